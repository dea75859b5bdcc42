export {
  type AlertmanagerAlert,
  AlertmanagerConfigError,
  type AlertmanagerServer,
  startAlertmanager,
} from "./alertmanager.js";
export {
  awsJsonError,
  type Fault,
  type FaultProxy,
  type ProxiedRequest,
  type ProxyRecord,
  startFaultProxy,
} from "./fault-proxy.js";
export { type MotoServer, startMoto } from "./moto.js";
export { peerBin, repoRoot } from "./peers.js";
export {
  answers,
  freePort,
  type PeerProcess,
  type PeerSpec,
  PeerStartError,
  rssMiB,
  startPeer,
} from "./process.js";
export {
  type PrometheusOptions,
  type PrometheusServer,
  PromQLError,
  type PromSample,
  type PromSeries,
  startPrometheus,
} from "./prometheus.js";
export { seededRandom } from "./random.js";
export { type NodeRun, type RunNodeOptions, runNode } from "./run-node.js";
