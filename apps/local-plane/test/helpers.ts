/** Polls `probe` until it returns a value; fails naming `what` and the last value seen. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ""}`,
  );
}

/** An X-Amzn-Trace-Id root for a new trace, in X-Ray's format, and the OpenTelemetry id it maps to. */
export function newXRayRoot(): { header: string; traceId: string; xrayId: string } {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  const random = Array.from({ length: 24 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  const xrayId = `1-${epoch}-${random}`;
  return {
    header: `Root=${xrayId};Parent=53995c3f42cd8ad8;Sampled=1`,
    traceId: `${epoch}${random}`,
    xrayId,
  };
}
