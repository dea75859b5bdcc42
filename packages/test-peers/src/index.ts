export { type MotoServer, startMoto } from "./moto.js";
export { peerBin, repoRoot } from "./peers.js";
