/** One production check of the telemetry: what it sent, what it found, and why it failed if it did. */
export interface CheckResult {
  name: string;
  sent: string;
  found: string;
  ok: boolean;
  /** On failure: what to look at, as precisely as the check could tell. */
  cause?: string;
  ms: number;
}

/** A check that failed with what it knows of the cause; anything else thrown is reported as it is. */
export class CheckFailed extends Error {
  override readonly name = "CheckFailed";
  constructor(
    readonly found: string,
    readonly reason: string,
  ) {
    super(`${found}: ${reason}`);
  }
}

/** Runs one check, timing it and turning a failure into its result. */
export async function runCheck(
  name: string,
  sent: string,
  body: () => Promise<string>,
): Promise<CheckResult> {
  const start = performance.now();
  const ms = () => Math.round(performance.now() - start);
  try {
    const found = await body();
    return { name, sent, found, ok: true, ms: ms() };
  } catch (error) {
    if (error instanceof CheckFailed)
      return { name, sent, found: error.found, ok: false, cause: error.reason, ms: ms() };
    const message = error instanceof Error ? error.message : String(error);
    return { name, sent, found: "the check could not run", ok: false, cause: message, ms: ms() };
  }
}

/** The report `pnpm validate` prints: one block per check, then the verdict. */
export function formatReport(results: CheckResult[], setupMs?: number): string {
  const lines: string[] = [];
  for (const [i, r] of results.entries()) {
    lines.push(`${r.ok ? "PASS" : "FAIL"}  ${i + 1}. ${r.name}  (${(r.ms / 1000).toFixed(1)} s)`);
    lines.push(`      sent:  ${r.sent}`);
    lines.push(`      found: ${r.found}`);
    if (r.cause !== undefined) lines.push(`      cause: ${r.cause}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  const setup = setupMs === undefined ? "" : `; setup ${(setupMs / 1000).toFixed(1)} s`;
  lines.push(
    failed === 0
      ? `validate: all ${results.length} checks passed${setup}`
      : `validate: ${failed} of ${results.length} checks failed${setup}`,
  );
  return lines.join("\n");
}
