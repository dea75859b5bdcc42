import { isEmptyReview } from "./review.js";
import type { Review } from "./types.js";

/** Marks the comment so the workflow updates it instead of adding a new one. */
export const COMMENT_MARKER = "<!-- trackgraph-infra-review -->";

const code = (text: string) => `\`${text.replaceAll("`", "'")}\``;
const cell = (value: unknown) => {
  const text = value === undefined ? "(unset)" : typeof value === "string" ? value : JSON.stringify(value);
  return code(text.length > 80 ? `${text.slice(0, 77)}...` : text).replaceAll("|", "\\|");
};
const list = (items: readonly string[]) => (items.length === 0 ? "" : items.map(code).join(", "));

/** The review as a pull-request comment. */
export function toMarkdown(review: Review, title = "Infrastructure review"): string {
  const lines = [COMMENT_MARKER, `## ${title}`, ""];
  if (isEmptyReview(review)) {
    lines.push("No infrastructure changes.");
    return `${lines.join("\n")}\n`;
  }
  const count = (action: string) => review.resources.filter((r) => r.action === action).length;
  const widening = review.iam.filter((c) => c.widening).length;
  lines.push(
    `**${count("add")} to add, ${count("change")} to change, ${count("replace")} to replace, ${count("remove")} to destroy**` +
      ` · ${review.iam.length} IAM statement changes (${widening} widening) · ${review.security.length} security-relevant changes`,
    "",
  );
  for (const stack of review.stacks.added) lines.push(`- New stack ${code(stack)}`);
  for (const stack of review.stacks.removed)
    lines.push(`- Stack ${code(stack)} is removed: every resource in it would be destroyed`);
  if (review.stacks.added.length + review.stacks.removed.length > 0) lines.push("");

  if (review.security.length > 0) {
    lines.push(
      "### Public access, encryption, deletion protection",
      "",
      "| Stack | Resource | Concern | Attribute | Before | After |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const s of review.security)
      lines.push(
        `| ${s.stack} | ${code(s.address)} | ${s.concern} | ${code(s.path)} | ${cell(s.before)} | ${cell(s.after)} |`,
      );
    lines.push("");
  }
  if (review.iam.length > 0) {
    lines.push(
      "### IAM",
      "",
      "| Stack | Policy | Statement | Gained | Lost | Widening |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const c of review.iam) {
      const gained = [
        list(c.actionsGained),
        list(c.resourcesGained),
        c.principalsGained.length ? `principals ${list(c.principalsGained)}` : "",
      ]
        .filter(Boolean)
        .join("<br>");
      const lost = [list(c.actionsLost), list(c.resourcesLost), c.conditionsLost ? "a condition" : ""]
        .filter(Boolean)
        .join("<br>");
      lines.push(
        `| ${c.stack} | ${code(c.policy)} | ${code(c.statement)} | ${gained || "-"} | ${lost || "-"} | ${c.widening ? "**yes**" : "no"} |`,
      );
    }
    lines.push("");
  }
  const stacks = [...new Set(review.resources.map((r) => r.stack))];
  for (const stack of stacks) {
    lines.push(`### Stack ${code(stack)}`, "", "| Action | Resource | Attributes |", "| --- | --- | --- |");
    for (const r of review.resources.filter((x) => x.stack === stack)) {
      const attributes =
        r.action === "replace"
          ? `${list(r.replacedBy)} forces replacement${r.paths.length > r.replacedBy.length ? `; also ${list(r.paths.filter((p) => !r.replacedBy.includes(p)))}` : ""}`
          : list(r.paths);
      lines.push(`| ${r.action} | ${code(r.address)} | ${attributes || "-"} |`);
    }
    lines.push("");
  }
  if (review.outputs.length > 0) {
    lines.push("### Outputs", "");
    for (const o of review.outputs) lines.push(`- ${o.action} ${code(`${o.stack}.${o.name}`)}`);
    lines.push("");
  }
  for (const b of review.backend)
    lines.push(
      `State backend of ${code(b.stack)} changes (${list(b.paths)}): run \`terraform init -migrate-state\`.`,
      "",
    );
  return `${lines.join("\n").trimEnd()}\n`;
}
