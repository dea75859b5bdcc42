import { Readable } from "node:stream";
import { type HttpRequest, HttpResponse } from "@smithy/protocol-http";

/** One HTTP answer of an AWS API, as the service sends it on the wire. */
export interface Recorded {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/**
 * A request handler for AWS SDK v3 clients that answers with recorded wire responses, in order, so the
 * real SDK parses them (status, headers, JSON or XML body) exactly as it would AWS's. `requests` keeps
 * what the SDK sent.
 */
export function replay(...responses: Recorded[]) {
  const queue = [...responses];
  const requests: HttpRequest[] = [];
  const handler = {
    metadata: { handlerProtocol: "http/1.1" },
    async handle(request: HttpRequest) {
      requests.push(request);
      const next = queue.shift();
      if (next === undefined)
        throw new Error(`replay: no recorded answer left for ${request.method} ${request.path}`);
      return {
        response: new HttpResponse({
          statusCode: next.status,
          headers: { "content-type": "application/json", ...next.headers },
          body: Readable.from([Buffer.from(next.body)]),
        }),
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
  return {
    /** Settings for `sdkAccount(...)`: the replaying handler, static credentials, no retries. */
    settings: {
      requestHandler: handler,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      maxAttempts: 1,
    },
    requests,
    left: () => queue.length,
  };
}
