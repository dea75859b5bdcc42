import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** What one ECS task's metadata says about its container's logs and identity. */
export interface EcsTaskIdentity {
  region: string;
  account: string;
  cluster: string;
  /** The task's id (the last part of its ARN). */
  taskId: string;
  /** `awslogs-group` of the container's log configuration: the group its stdout goes to. */
  logGroup: string;
  /** `awslogs-stream`: ECS names it `<prefix>/<container>/<task id>`. */
  logStream: string;
}

/**
 * A stand-in for the ECS task metadata endpoint v4 (`ECS_CONTAINER_METADATA_URI_V4`) on loopback, answering
 * the container path and `/task` with the fields of AWS's documented Fargate examples ("Amazon ECS task
 * metadata v4 examples"). It cannot show what the real agent sends beyond those examples: whether Express
 * Mode's tasks report `LogDriver: awslogs` with `awslogs-group` is taken from the documentation, not seen.
 */
export async function startEcsTaskMetadata(
  task: EcsTaskIdentity,
): Promise<{ uri: string; requests: string[]; close(): Promise<void> }> {
  const taskArn = `arn:aws:ecs:${task.region}:${task.account}:task/${task.cluster}/${task.taskId}`;
  const container = {
    DockerId: `${task.taskId}-1234567890`,
    Name: "backend",
    DockerName: "backend",
    Image: "trackgraph/backend:src-0",
    Labels: {
      "com.amazonaws.ecs.cluster": `arn:aws:ecs:${task.region}:${task.account}:cluster/${task.cluster}`,
      "com.amazonaws.ecs.container-name": "backend",
      "com.amazonaws.ecs.task-arn": taskArn,
      "com.amazonaws.ecs.task-definition-family": "trackgraph-local-backend",
      "com.amazonaws.ecs.task-definition-version": "1",
    },
    DesiredStatus: "RUNNING",
    KnownStatus: "RUNNING",
    Type: "NORMAL",
    LogDriver: "awslogs",
    LogOptions: {
      "awslogs-group": task.logGroup,
      "awslogs-region": task.region,
      "awslogs-stream": task.logStream,
    },
    ContainerARN: `arn:aws:ecs:${task.region}:${task.account}:container/${task.cluster}/${task.taskId}/0f3c1a2b-1111-2222-3333-444455556666`,
    Networks: [{ NetworkMode: "awsvpc", IPv4Addresses: ["10.0.2.106"] }],
  };
  const taskMetadata = {
    Cluster: `arn:aws:ecs:${task.region}:${task.account}:cluster/${task.cluster}`,
    TaskARN: taskArn,
    Family: "trackgraph-local-backend",
    Revision: "1",
    DesiredStatus: "RUNNING",
    KnownStatus: "RUNNING",
    Containers: [container],
    LaunchType: "FARGATE",
    AvailabilityZone: `${task.region}a`,
  };
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const body = req.url === "/v4" ? container : req.url === "/v4/task" ? taskMetadata : undefined;
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/v4`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
