/**
 * Calls `probe` every `intervalMs` until `done` accepts its value or `timeoutMs` has passed, and returns
 * the last value either way: a check reports what it saw at the deadline, not only that it timed out.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 2000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
