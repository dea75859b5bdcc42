import { isEmptyReview } from "./review.js";
import type { IamChange, ResourceChange, Review } from "./types.js";

/** Marks the comment so the workflow updates it instead of adding a new one. */
export const COMMENT_MARKER = "<!-- trackgraph-infra-review -->";

const code = (text: string) => `\`${text.replaceAll("`", "'")}\``;
const cell = (value: unknown) => {
  const text = value === undefined ? "(unset)" : typeof value === "string" ? value : JSON.stringify(value);
  return code(text.length > 80 ? `${text.slice(0, 77)}...` : text).replaceAll("|", "\\|");
};
const list = (items: readonly string[]) => (items.length === 0 ? "" : items.map(code).join(", "));

/** The security table: public access, encryption and deletion protection. */
function securitySection(review: Review): string[] {
  if (review.security.length === 0) return [];
  return [
    "### Public access, encryption, deletion protection",
    "",
    "| Stack | Resource | Concern | Attribute | Before | After |",
    "| --- | --- | --- | --- | --- | --- |",
    ...review.security.map(
      (s) =>
        `| ${s.stack} | ${code(s.address)} | ${s.concern} | ${code(s.path)} | ${cell(s.before)} | ${cell(s.after)} |`,
    ),
    "",
  ];
}

/** One IAM change as a table row: what the statement gained and lost. */
function iamRow(c: IamChange): string {
  const gained = [
    list(c.actionsGained),
    list(c.resourcesGained),
    c.principalsGained.length ? `principals ${list(c.principalsGained)}` : "",
    c.conditionsGained ? "a condition" : "",
    c.otherChanges.length ? `changed ${list(c.otherChanges)}` : "",
  ]
    .filter(Boolean)
    .join("<br>");
  const lost = [
    list(c.actionsLost),
    list(c.resourcesLost),
    c.principalsLost.length ? `principals ${list(c.principalsLost)}` : "",
    c.conditionsLost ? "a condition" : "",
  ]
    .filter(Boolean)
    .join("<br>");
  return `| ${c.stack} | ${code(c.policy)} | ${code(c.statement)} | ${gained || "-"} | ${lost || "-"} | ${c.widening ? "**yes**" : "no"} |`;
}

/** The IAM table. */
function iamSection(review: Review): string[] {
  if (review.iam.length === 0) return [];
  return [
    "### IAM",
    "",
    "| Stack | Policy | Statement | Gained | Lost | Widening |",
    "| --- | --- | --- | --- | --- | --- |",
    ...review.iam.map(iamRow),
    "",
  ];
}

/** What changes in one resource: its paths, or what forces its replacement. */
function attributesOf(r: ResourceChange): string {
  if (r.action !== "replace") return list(r.paths);
  const others = r.paths.filter((p) => !r.replacedBy.includes(p));
  return `${list(r.replacedBy)} forces replacement${others.length > 0 ? `; also ${list(others)}` : ""}`;
}

/** One table of resource changes per stack. */
function resourceSections(review: Review): string[] {
  return [...new Set(review.resources.map((r) => r.stack))].flatMap((stack) => [
    `### Stack ${code(stack)}`,
    "",
    "| Action | Resource | Attributes |",
    "| --- | --- | --- |",
    ...review.resources
      .filter((x) => x.stack === stack)
      .map((r) => `| ${r.action} | ${code(r.address)} | ${attributesOf(r) || "-"} |`),
    "",
  ]);
}

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
  lines.push(...securitySection(review), ...iamSection(review), ...resourceSections(review));
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
