/**
 * Where an alert's runbook lives: `docs/runbooks/<alert>.md` in this repository. Alerts link to it through
 * a base URL: repository-relative by default (readable in a checkout and in the review of a pull request),
 * or a browsable URL the infra app derives from the stack's repository (`github.repository`).
 */
export const RUNBOOK_DIR = "docs/runbooks";

/** The default base: the runbook directory, relative to the repository root. */
export const DEFAULT_RUNBOOK_BASE = RUNBOOK_DIR;

/** The repository-relative path of an alert's runbook. */
export function runbookPath(alert: string): string {
  return `${RUNBOOK_DIR}/${alert}.md`;
}

/** The link an alert carries: `<base>/<alert>.md` (one slash between them, whatever the base ends with). */
export function runbookUrl(alert: string, base: string = DEFAULT_RUNBOOK_BASE): string {
  return `${base.replace(/\/+$/, "")}/${alert}.md`;
}

/** A browsable base for a GitHub repository (`owner/name`) at a branch. */
export function githubRunbookBase(repository: string, branch: string): string {
  return `https://github.com/${repository}/blob/${branch}/${RUNBOOK_DIR}`;
}
