import { diffPaths, valueAt } from "./deep-diff.js";
import { FORCES_REPLACEMENT, SECURITY_ON_REMOVE, SECURITY_PATHS } from "./rules.js";
import type { IamChange, ResourceChange, Review, SecurityChange, StackJson, Stacks } from "./types.js";

type Blocks = Map<string, { type: string; kind: "resource" | "data"; body: Record<string, unknown> }>;

function blocksOf(stack: StackJson | undefined): Blocks {
  const out: Blocks = new Map();
  for (const [kind, section] of [
    ["resource", stack?.resource],
    ["data", stack?.data],
  ] as const) {
    for (const [type, byId] of Object.entries(section ?? {})) {
      for (const [id, body] of Object.entries(byId)) {
        out.set(kind === "data" ? `data.${type}.${id}` : `${type}.${id}`, { type, kind, body });
      }
    }
  }
  return out;
}

const startsWithArgument = (path: string, argument: string) =>
  path === argument || path.startsWith(`${argument}.`) || path.startsWith(`${argument}[`);

interface Statement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: Array<{ type: string; identifiers: string[] }>;
  condition?: unknown[];
}

const statementsOf = (body: Record<string, unknown> | undefined): Statement[] =>
  Array.isArray(body?.statement) ? (body.statement as Statement[]) : [];
const principalIds = (s: Statement | undefined) =>
  (s?.principals ?? []).flatMap((p) => p.identifiers.map((id) => `${p.type}:${id}`));
const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x)).sort();

/** Statement-level difference of one policy document: what each statement gains and loses. */
function iamChanges(
  stack: string,
  policy: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): IamChange[] {
  const keyed = (list: Statement[]) => new Map(list.map((s, i) => [s.sid ?? `#${i}`, s]));
  const b = keyed(statementsOf(before));
  const a = keyed(statementsOf(after));
  const out: IamChange[] = [];
  for (const sid of [...new Set([...b.keys(), ...a.keys()])]) {
    const was = b.get(sid);
    const now = a.get(sid);
    const change: IamChange = {
      stack,
      policy,
      statement: sid,
      effect: (now ?? was)?.effect === "Deny" ? "Deny" : "Allow",
      actionsGained: minus(now?.actions ?? [], was?.actions ?? []),
      actionsLost: minus(was?.actions ?? [], now?.actions ?? []),
      resourcesGained: minus(now?.resources ?? [], was?.resources ?? []),
      resourcesLost: minus(was?.resources ?? [], now?.resources ?? []),
      principalsGained: minus(principalIds(now), principalIds(was)),
      conditionsLost:
        (was?.condition ?? []).some(
          (c) => !(now?.condition ?? []).some((n) => JSON.stringify(n) === JSON.stringify(c)),
        ) && now !== undefined,
      widening: false,
    };
    const deny = (now ?? was)?.effect === "Deny";
    const gained =
      change.actionsGained.length + change.resourcesGained.length + change.principalsGained.length > 0;
    const lost = change.actionsLost.length + change.resourcesLost.length > 0;
    change.widening = deny ? lost || now === undefined : gained || change.conditionsLost;
    if (gained || lost || change.conditionsLost || change.principalsGained.length > 0) out.push(change);
  }
  return out;
}

/**
 * What would change between two synthesized versions of the stacks, resource by resource, with
 * replacements, IAM gains and losses, and changes to public access, encryption and deletion protection.
 * It compares configuration, not live state: it needs no credentials.
 */
export function computeReview(base: Stacks, head: Stacks): Review {
  const review: Review = {
    stacks: {
      added: [...head.keys()].filter((s) => !base.has(s)).sort(),
      removed: [...base.keys()].filter((s) => !head.has(s)).sort(),
    },
    resources: [],
    iam: [],
    security: [],
    outputs: [],
    backend: [],
  };
  for (const stack of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const before = blocksOf(base.get(stack));
    const after = blocksOf(head.get(stack));
    for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const was = before.get(address);
      const now = after.get(address);
      const type = (now ?? was)?.type ?? "";
      if (type === "aws_iam_policy_document") {
        review.iam.push(...iamChanges(stack, address, was?.body, now?.body));
        continue;
      }
      if (was === undefined || now === undefined) {
        review.resources.push({
          stack,
          address,
          type,
          action: was === undefined ? "add" : "remove",
          paths: [],
          replacedBy: [],
        });
        if (now === undefined && SECURITY_ON_REMOVE[type] !== undefined) {
          review.security.push({
            stack,
            address,
            concern: SECURITY_ON_REMOVE[type],
            path: "(resource removed)",
            before: "present",
            after: "absent",
          });
        }
        if (type === "aws_iam_role_policy_attachment") {
          const arn = String((now ?? was)?.body.policy_arn ?? "");
          review.iam.push({
            stack,
            policy: address,
            statement: "(managed policy)",
            effect: "Allow",
            actionsGained: now ? [`attach ${arn}`] : [],
            actionsLost: was ? [`attach ${arn}`] : [],
            resourcesGained: [],
            resourcesLost: [],
            principalsGained: [],
            conditionsLost: false,
            widening: now !== undefined,
          });
        }
        continue;
      }
      const paths = diffPaths(was.body, now.body);
      if (paths.length === 0) continue;
      const replacedBy = paths.filter((p) =>
        (FORCES_REPLACEMENT[type] ?? []).some((argument) => startsWithArgument(p, argument)),
      );
      review.resources.push({
        stack,
        address,
        type,
        action: replacedBy.length > 0 ? "replace" : "change",
        paths,
        replacedBy,
      });
      for (const path of paths) {
        const rule = SECURITY_PATHS.find((r) => r.type === type && r.pattern.test(path));
        if (rule !== undefined) {
          review.security.push({
            stack,
            address,
            concern: rule.concern,
            path,
            before: valueAt(was.body, path),
            after: valueAt(now.body, path),
          });
        }
      }
    }
    const outputsBefore = base.get(stack)?.output ?? {};
    const outputsAfter = head.get(stack)?.output ?? {};
    for (const name of [...new Set([...Object.keys(outputsBefore), ...Object.keys(outputsAfter)])].sort()) {
      if (!(name in outputsBefore)) review.outputs.push({ stack, name, action: "add" });
      else if (!(name in outputsAfter)) review.outputs.push({ stack, name, action: "remove" });
      else if (diffPaths(outputsBefore[name], outputsAfter[name]).length > 0)
        review.outputs.push({ stack, name, action: "change" });
    }
    const backend = diffPaths(base.get(stack)?.terraform?.backend, head.get(stack)?.terraform?.backend);
    if (base.has(stack) && head.has(stack) && backend.length > 0)
      review.backend.push({ stack, paths: backend });
  }
  // An Allow statement that newly admits everyone is a public-access change, whatever policy it is in.
  // (A Deny to everyone, such as the TLS-only statement, restricts instead.)
  for (const change of review.iam) {
    if (change.effect === "Allow" && change.principalsGained.some((p) => p.endsWith(":*"))) {
      review.security.push({
        stack: change.stack,
        address: `${change.policy} (${change.statement})`,
        concern: "public access",
        path: "principals",
        before: "not public",
        after: "*",
      });
    }
  }
  return review;
}

export function isEmptyReview(review: Review): boolean {
  return (
    review.stacks.added.length +
      review.stacks.removed.length +
      review.resources.length +
      review.iam.length +
      review.security.length +
      review.outputs.length +
      review.backend.length ===
    0
  );
}

export type { IamChange, ResourceChange, SecurityChange };
