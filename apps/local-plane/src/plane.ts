import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { XRayClient } from "@aws-sdk/client-xray";
import { BACKEND_ENV } from "@trackgraph/backend-otel/env";
import { type CollectorImage, COLLECTOR_ENV as E } from "@trackgraph/collector";
import {
  type AlertmanagerServer,
  answers,
  freePort,
  type MotoServer,
  type PeerProcess,
  type PrometheusServer,
  repoRoot,
  startMoto,
  startPeer,
  startPrometheus,
} from "@trackgraph/test-peers";
import {
  type PlaneAlerting,
  type PlaneAlertingOptions,
  startAlertmanagerEarly,
  wireAlerting,
} from "./alerting.js";
import { type RunningCollector, startCollector } from "./collector.js";

export interface LocalPlaneOptions {
  /** How often the scraper reads the backend and each collector reads itself; "30s" in AWS. */
  scrapeInterval?: string;
  /** Seconds the backend keeps the listener's history before it reads S3 again (0: every request). */
  historyCacheSeconds?: number;
  /** Progress lines, as each peer comes up. */
  log?: (line: string) => void;
  /**
   * Environment of the backend over the plane's own (say a wrong OTEL_EXPORTER_OTLP_ENDPOINT, to see what
   * a misconfigured service looks like).
   */
  backendEnv?: Record<string, string>;
  /**
   * Alerting as in AMP: Prometheus evaluates this rule file and sends what fires to an Alertmanager that
   * delivers to SNS topics in moto, each with an SQS queue subscribed (see alerting.ts).
   */
  alerting?: PlaneAlertingOptions;
}

/** Breaks and restores components of a running plane, for alert tests. */
export interface PlaneFaults {
  /** Turns the backend's fault switch on (its history reads answer 503) or off. */
  backend5xx(on: boolean): void;
  /** Stops a collector, as a crash would (`plane.proxy` / `plane.scraper` stay the stopped process). */
  stopCollector(image: CollectorImage): Promise<void>;
  /** Starts it again with the same settings (the proxy on the same OTLP port). */
  startCollector(image: CollectorImage): Promise<void>;
}

export interface LocalPlane {
  moto: MotoServer;
  prometheus: PrometheusServer;
  proxy: RunningCollector;
  scraper: RunningCollector;
  backend: PeerProcess;
  /** An X-Ray client pointed at the emulator. */
  xray: XRayClient;
  /** With `options.alerting`: Alertmanager, the alert topics and their queues. */
  alerting?: PlaneAlerting;
  faults: PlaneFaults;
  urls: {
    backend: string;
    /** The proxy's OTLP/HTTP receiver. */
    otlp: string;
    /** moto: X-Ray, S3 and the other AWS APIs. */
    aws: string;
    prometheus: string;
    remoteWrite: string;
    /** With `options.alerting`. */
    alertmanager?: string;
  };
  tokens: { metrics: string; collector: string };
  dataBucket: string;
  dataPrefix: string;
  /** Stops every peer, newest first, and deletes their data. Safe to call twice. */
  stop(): Promise<void>;
}

const BUCKET = "trackgraph-spotify-data";
const PREFIX = "listener-1/";
const backendDir = join(repoRoot, "apps/backend-otel");

async function seedHistory(moto: MotoServer): Promise<void> {
  const s3 = new S3Client(moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const fixtures = join(backendDir, "fixtures/history");
  for (const name of readdirSync(fixtures)) {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${PREFIX}${name}`,
        Body: readFileSync(join(fixtures, name)),
      }),
    );
  }
  s3.destroy();
}

/** Prometheus's options: the rule file and the Alertmanager, when the plane alerts. */
function prometheusAlerting(alerting: PlaneAlertingOptions | undefined, alertmanager?: AlertmanagerServer) {
  if (alerting === undefined || alertmanager === undefined) return {};
  return {
    rules: alerting.rules,
    alertmanagerUrl: alertmanager.url,
    evaluationInterval: alerting.evaluationInterval,
  };
}

/**
 * Starts the telemetry plane on loopback: moto (X-Ray, S3), Prometheus with its remote-write receiver (as
 * AMP), the proxy and scraper collectors running their image configs in our collector build, and the
 * instrumented backend reading the sample history from moto's S3. Signals take the production paths:
 * backend traces -> proxy (OTLP, bearer token) -> X-Ray; backend metrics -> scraper (with the metrics token)
 * -> remote write; each collector's own metrics -> itself -> remote write.
 */
export async function startLocalPlane(options: LocalPlaneOptions = {}): Promise<LocalPlane> {
  const log = options.log ?? (() => {});
  const interval = options.scrapeInterval ?? "2s";
  const workDir = mkdtempSync(join(tmpdir(), "trackgraph-plane-"));
  const started: Array<{ stop(): Promise<void> }> = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const peer of started.reverse()) await peer.stop().catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const alerting = options.alerting;
    // Alertmanager starts beside moto; Prometheus, which needs its URL, right after it.
    const alertmanager = alerting ? startAlertmanagerEarly() : Promise.resolve(undefined);
    const [moto, prometheus, early] = await Promise.all([
      startMoto(),
      alertmanager.then((am) => startPrometheus(prometheusAlerting(alerting, am))),
      alertmanager,
    ]);
    if (early) started.push({ stop: () => early.destroy() });
    started.push(moto, { stop: () => prometheus.destroy() });
    log(`moto (X-Ray, S3) on ${moto.endpoint}; prometheus (AMP) on ${prometheus.url}`);
    await seedHistory(moto);
    const wired = alerting && early ? await wireAlerting(alerting, moto, early) : undefined;
    if (wired) log(`alertmanager on ${wired.alertmanager.url} -> SNS topics in moto -> one SQS queue each`);

    const tokens = {
      metrics: randomBytes(24).toString("hex"),
      collector: randomBytes(24).toString("hex"),
    };
    // The emulator's credentials, as every peer's AWS SDK reads them from its environment.
    const region = moto.clientConfig.region;
    const credentials = {
      AWS_ACCESS_KEY_ID: moto.clientConfig.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.clientConfig.credentials.secretAccessKey,
    };
    const awsEnv = { ...credentials, [E.region]: region, [E.remoteWriteUrl]: prometheus.remoteWriteUrl };
    const otlpPort = await freePort();
    const proxyEnv = {
      ...awsEnv,
      [E.xrayEndpoint]: moto.endpoint,
      [E.otlpPort]: String(otlpPort),
      [E.proxyToken]: tokens.collector,
      [E.scrapeInterval]: interval,
    };
    // The collectors the plane runs now (a fault test stops one and starts a new one in its place).
    const live: Partial<Record<CollectorImage, RunningCollector>> = {};
    const proxy = await startCollector("proxy", workDir, proxyEnv);
    live.proxy = proxy;
    started.push({ stop: async () => live.proxy?.stop() });
    const otlp = `http://127.0.0.1:${otlpPort}`;
    log(`proxy collector: OTLP/HTTP on ${otlp} -> X-Ray (moto), remote write -> prometheus`);

    const faultFile = join(workDir, "backend-5xx");
    const backendPort = await freePort();
    const backendUrl = `http://127.0.0.1:${backendPort}`;
    const backend = await startPeer({
      name: "backend",
      // Every log line, for the checks that look one up by its trace (under traffic, 20 kB is seconds).
      outputFile: join(workDir, "backend.log"),
      command: process.execPath,
      args: ["--import", "@trackgraph/otel-bootstrap/register", "dist/server.js"],
      cwd: backendDir,
      env: {
        PATH: process.env.PATH ?? "",
        ...credentials,
        AWS_REGION: region,
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_EC2_METADATA_DISABLED: "true",
        [BACKEND_ENV.port]: String(backendPort),
        [BACKEND_ENV.metricsToken]: tokens.metrics,
        [BACKEND_ENV.dataSource]: "s3",
        [BACKEND_ENV.dataBucket]: BUCKET,
        [BACKEND_ENV.dataPrefix]: PREFIX,
        [BACKEND_ENV.historyCacheSeconds]: String(options.historyCacheSeconds ?? 0),
        OTEL_SERVICE_NAME: "trackgraph-backend",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=local",
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${tokens.collector}`,
        OTEL_TRACES_SAMPLER_ARG: "1",
        OTEL_BSP_SCHEDULE_DELAY: "1000",
        TRACKGRAPH_OTEL_PROMETHEUS_PORT: "embedded",
        // The backend's fault switch (honoured only as environment local with a loopback AWS endpoint).
        [BACKEND_ENV.faultFile]: faultFile,
        ...options.backendEnv,
      },
      ready: () => answers(`${backendUrl}/healthz`),
    });
    started.push(backend);
    log(`backend on ${backendUrl} (history from moto S3 s3://${BUCKET}/${PREFIX})`);

    const scraperEnv = {
      ...awsEnv,
      [E.backendTarget]: `127.0.0.1:${backendPort}`,
      [E.backendScheme]: "http",
      [E.backendToken]: tokens.metrics,
      [E.scrapeInterval]: interval,
    };
    const scraper = await startCollector("scraper", workDir, scraperEnv);
    live.scraper = scraper;
    started.push({ stop: async () => live.scraper?.stop() });
    log(`scraper collector: ${backendUrl}/metrics every ${interval} -> remote write -> prometheus`);

    const collectorEnv = { proxy: proxyEnv, scraper: scraperEnv };
    const plane: LocalPlane = {
      moto,
      prometheus,
      proxy,
      scraper,
      backend,
      ...(wired ? { alerting: wired } : {}),
      faults: {
        backend5xx: (on) => (on ? writeFileSync(faultFile, "") : rmSync(faultFile, { force: true })),
        stopCollector: (image) => plane[image].stop(),
        startCollector: async (image) => {
          await plane[image].stop();
          const next = await startCollector(image, workDir, collectorEnv[image]);
          live[image] = next;
          plane[image] = next;
        },
      },
      xray: new XRayClient({
        region,
        endpoint: moto.endpoint,
        credentials: moto.clientConfig.credentials,
      }),
      urls: {
        backend: backendUrl,
        otlp,
        aws: moto.endpoint,
        prometheus: prometheus.url,
        remoteWrite: prometheus.remoteWriteUrl,
        ...(wired ? { alertmanager: wired.alertmanager.url } : {}),
      },
      tokens,
      dataBucket: BUCKET,
      dataPrefix: PREFIX,
      stop,
    };
    return plane;
  } catch (error) {
    await stop();
    throw error;
  }
}
