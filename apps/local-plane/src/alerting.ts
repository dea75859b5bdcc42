import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type AlertmanagerServer, type MotoServer, startAlertmanager } from "@trackgraph/test-peers";

/** Where the stand-in for AMP's alert manager delivers: the emulator's SNS, signed with its keys. */
export interface AlertSns {
  /** Topic ARN by route key (`page`, `ticket`). */
  topicArns: Record<string, string>;
  apiUrl: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

export interface PlaneAlertingOptions {
  /** The rule file Prometheus evaluates, as AMP's rule-group namespace holds it. */
  rules: string;
  /** Prometheus's default evaluation interval (rule groups may set their own). */
  evaluationInterval: string;
  /** Topic name by route key: one SNS topic each, with one SQS queue subscribed (the people paged). */
  topics: Record<string, string>;
  /** Alertmanager's YAML for these topics on the emulator (the definition we give AMP, rendered locally). */
  alertmanagerConfig: (sns: AlertSns) => string;
}

/** One notification as the person subscribed to a topic receives it (SNS's JSON envelope, unwrapped). */
export interface AlertMessage {
  topic: string;
  subject: string;
  message: string;
  /** SNS message attributes (Alertmanager's `attributes`, e.g. severity). */
  attributes: Record<string, string>;
  receivedAt: Date;
}

export interface PlaneAlerting {
  alertmanager: AlertmanagerServer;
  /** Topic ARN and queue URL by route key. */
  topics: Record<string, { name: string; topicArn: string; queueUrl: string }>;
  sns: SNSClient;
  sqs: SQSClient;
  /** What the topics' queues hold now (waiting up to `waitSeconds`), read and deleted. */
  receive(waitSeconds?: number): Promise<AlertMessage[]>;
  /** Publishes to a topic as another sender would (a CloudWatch alarm's SNS action: no attributes). */
  publish(topic: string, subject: string, message: string): Promise<void>;
}

interface SnsEnvelope {
  Subject?: string;
  Message?: string;
  MessageAttributes?: Record<string, { Value?: string }>;
}

/** Creates each topic and a queue subscribed to it, in the emulator. */
async function createTopics(sns: SNSClient, sqs: SQSClient, topics: Record<string, string>) {
  const made: PlaneAlerting["topics"] = {};
  for (const [key, name] of Object.entries(topics)) {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-inbox` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: Attributes?.QueueArn ?? "" }));
    made[key] = { name, topicArn: TopicArn ?? "", queueUrl: QueueUrl ?? "" };
  }
  return made;
}

async function drain(sqs: SQSClient, key: string, queueUrl: string, wait: number): Promise<AlertMessage[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait }),
  );
  if (Messages.length === 0) return [];
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
    }),
  );
  return Messages.map((m) => {
    const envelope = JSON.parse(m.Body ?? "{}") as SnsEnvelope;
    const attributes = Object.fromEntries(
      Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value ?? ""]),
    );
    return {
      topic: key,
      subject: envelope.Subject ?? "",
      message: envelope.Message ?? "",
      attributes,
      receivedAt: new Date(),
    };
  });
}

/** A placeholder Alertmanager config, so it can start before the topics exist (it is reloaded after). */
export const PLACEHOLDER_ALERTMANAGER_CONFIG = "route:\n  receiver: none\nreceivers:\n  - name: none\n";

/**
 * Starts Alertmanager with a placeholder (in parallel with the other peers), then, once moto serves, makes
 * the topics and queues and loads the real configuration.
 */
export function startAlertmanagerEarly(): Promise<AlertmanagerServer> {
  return startAlertmanager(PLACEHOLDER_ALERTMANAGER_CONFIG);
}

export async function wireAlerting(
  options: PlaneAlertingOptions,
  moto: MotoServer,
  alertmanager: AlertmanagerServer,
): Promise<PlaneAlerting> {
  const config = moto.clientConfig;
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const topics = await createTopics(sns, sqs, options.topics);
  await alertmanager.reload(
    options.alertmanagerConfig({
      topicArns: Object.fromEntries(Object.entries(topics).map(([k, t]) => [k, t.topicArn])),
      apiUrl: moto.endpoint,
      accessKey: config.credentials.accessKeyId,
      secretKey: config.credentials.secretAccessKey,
      region: config.region,
    }),
  );
  return {
    alertmanager,
    topics,
    sns,
    sqs,
    async receive(waitSeconds = 0) {
      const all = await Promise.all(
        Object.entries(topics).map(([key, t]) => drain(sqs, key, t.queueUrl, waitSeconds)),
      );
      return all.flat();
    },
    async publish(topic, subject, message) {
      const arn = topics[topic]?.topicArn;
      if (arn === undefined)
        throw new Error(`no alert topic "${topic}" (known: ${Object.keys(topics).join(", ")})`);
      await sns.send(new PublishCommand({ TopicArn: arn, Subject: subject, Message: message }));
    },
  };
}
