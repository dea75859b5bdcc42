// Preloaded into the bench's "context only" backend: each request runs in AsyncLocalStorage.run, which is
// what OpenTelemetry's context manager does, and nothing else. Its cost is the floor of any
// instrumentation that propagates context (trace ids in logs, S3 spans under the request's span) on this
// Node: with a store active, Node 20 runs an async_hooks callback for every async resource and promise.
import { AsyncLocalStorage } from "node:async_hooks";
import { Server } from "node:http";

const storage = new AsyncLocalStorage();
const emit = Server.prototype.emit;
Server.prototype.emit = function emitInContext(event, ...args) {
  if (event !== "request") return emit.call(this, event, ...args);
  return storage.run({ request: args[0] }, () => emit.call(this, event, ...args));
};
