import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { gunzipSync } from "node:zlib";

/** One request that reached the proxy, as a rule sees it. */
export interface ProxiedRequest {
  /** 1, 2, 3... in order of arrival. */
  seq: number;
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The AWS service of the SigV4 credential scope (`monitoring`, `dynamodb`, `s3`, `sqs`), or "". */
  service: string;
  /**
   * The operation: the `X-Amz-Target` suffix for JSON protocols (`PutMetricData`, `UpdateItem`),
   * otherwise `METHOD /path` (S3).
   */
  operation: string;
  /** The request's content, unzipped when it came gzip-encoded (the SDK compresses large PutMetricData). */
  body: Buffer;
}

/** What the proxy does with a request. */
export type Fault =
  /** Forward it and return the answer unchanged. */
  | { kind: "forward" }
  /** Answer it without forwarding: the peer never sees the request. */
  | { kind: "respond"; status: number; headers?: Record<string, string>; body?: string }
  /** Close the connection without forwarding or answering. */
  | { kind: "reset" }
  /**
   * Forward it, so the peer processes it, then run `after` with the peer's answer (to kill the caller, say),
   * then answer the caller with it, or, when `answer` is false, close the connection instead: the caller
   * never learns that the peer accepted the request.
   */
  | {
      kind: "forward-then";
      after?: (upstream: { status: number; body: Buffer }) => void | Promise<void>;
      answer: boolean;
    }
  /** Forward it after `ms` milliseconds. */
  | { kind: "delay"; ms: number };

/** What happened to one request. */
export interface ProxyRecord {
  seq: number;
  service: string;
  operation: string;
  fault: Fault["kind"];
  /** The status the peer answered, when the request was forwarded and answered. */
  upstreamStatus?: number;
  /** The status the caller received; undefined when its connection was closed instead. */
  status?: number;
  /** The request's content, unzipped as for the rule. */
  body: Buffer;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: the endpoint to give the clients under test. */
  url: string;
  /** Every request in order of arrival, with what was done to it. */
  readonly log: ProxyRecord[];
  /** Decides the fault for each request; `undefined` (or a rule answering undefined) forwards. */
  rule: ((request: ProxiedRequest) => Fault | undefined) | undefined;
  close(): Promise<void>;
}

function unzipped(body: Buffer, headers: IncomingHttpHeaders): Buffer {
  if (!String(headers["content-encoding"] ?? "").includes("gzip")) return body;
  try {
    return gunzipSync(body);
  } catch {
    return body;
  }
}

const SCOPE = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//;

function describe(method: string, path: string, headers: IncomingHttpHeaders) {
  const service = SCOPE.exec(String(headers.authorization ?? ""))?.[1] ?? "";
  const target = String(headers["x-amz-target"] ?? "");
  const operation = target === "" ? `${method} ${path.split("?")[0]}` : (target.split(".").pop() ?? target);
  return { service, operation };
}

/**
 * Applies the faults that answer in place of the peer (`respond`, `reset`) or hold the request (`delay`);
 * true when the request is answered and must not be forwarded.
 */
async function answeredWithoutForwarding(
  fault: Fault,
  record: ProxyRecord,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case "respond": {
      const headers = { "content-type": "application/x-amz-json-1.0", ...fault.headers };
      record.status = fault.status;
      res.writeHead(fault.status, headers);
      res.end(Buffer.from(fault.body ?? ""));
      return true;
    }
    case "reset":
      req.socket.destroy();
      return true;
    case "delay":
      await new Promise((r) => setTimeout(r, fault.ms));
      return false;
    default:
      return false;
  }
}

/**
 * An HTTP proxy on loopback in front of a peer (moto), that forwards every request unless `rule` picks a
 * fault for it: an answer of its own (throttling), a dropped connection, a delay, or forwarding followed by
 * a hook and a lost answer. The clients under test keep their own SDK, retries and all; only the wire
 * between them and the peer misbehaves.
 */
export async function startFaultProxy(upstream: string, rule?: FaultProxy["rule"]): Promise<FaultProxy> {
  const log: ProxyRecord[] = [];
  const sockets = new Set<Socket>();
  let seq = 0;
  const proxy: FaultProxy = { url: "", log, rule, close: async () => {} };

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const out = request(`${upstream}${path}`, { method, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () =>
          resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }),
        );
        answer.on("error", reject);
      });
      out.on("error", reject);
      out.end(body);
    });

  const reply = (res: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer) => {
    res.writeHead(status, headers);
    res.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const content = unzipped(body, req.headers);
        const method = req.method ?? "GET";
        const path = req.url ?? "/";
        const { service, operation } = describe(method, path, req.headers);
        const request: ProxiedRequest = {
          seq: ++seq,
          method,
          path,
          headers: req.headers,
          service,
          operation,
          body: content,
        };
        const fault = proxy.rule?.(request) ?? { kind: "forward" };
        const record: ProxyRecord = {
          seq: request.seq,
          service,
          operation,
          fault: fault.kind,
          body: content,
        };
        log.push(record);
        try {
          if (await answeredWithoutForwarding(fault, record, req, res)) return;
          const answer = await forward(method, path, req.headers, body);
          record.upstreamStatus = answer.status;
          if (fault.kind === "forward-then") {
            await fault.after?.({ status: answer.status, body: answer.body });
            if (!fault.answer) {
              req.socket.destroy();
              return;
            }
          }
          record.status = answer.status;
          reply(res, answer.status, answer.headers, answer.body);
        } catch {
          req.socket.destroy();
        }
      })();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

/**
 * An AWS JSON 1.0 error answer, as DynamoDB and CloudWatch send them: `type` is the error code
 * (`ThrottlingException`, `Throttling`), in the body's `__type` and, for CloudWatch's query-compatible
 * JSON, in `x-amzn-query-error` too.
 */
export function awsJsonError(status: number, type: string, message: string): Fault {
  return {
    kind: "respond",
    status,
    headers: { "x-amzn-query-error": `${type};Sender`, "x-amzn-errortype": type },
    body: JSON.stringify({ __type: type, message }),
  };
}
