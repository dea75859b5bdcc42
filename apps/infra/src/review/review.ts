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

/** Whether `a` has a condition block that `b` lacks (or has with other values). */
function hasConditionMissingFrom(a: Statement, b: Statement): boolean {
  const others = (b.condition ?? []).map((c) => JSON.stringify(c));
  return (a.condition ?? []).some((c) => !others.includes(JSON.stringify(c)));
}

/** The fields of a statement the review reads one by one; any other difference is listed by path. */
const READ_FIELDS = new Set(["sid", "effect", "actions", "resources", "principals", "condition"]);
const unreadFields = (s: Statement | undefined) =>
  Object.fromEntries(Object.entries(s ?? {}).filter(([key]) => !READ_FIELDS.has(key)));

/**
 * What one statement (by sid) gains and loses; `undefined` when it is the same. Every difference is
 * reported: a statement that only gains a condition, changes its effect, or changes a field read as a
 * whole (`not_actions`, `not_principals`, ...) is a change too, or a plan would show what the review hid.
 */
function statementChange(
  where: { stack: string; policy: string; statement: string },
  was: Statement | undefined,
  now: Statement | undefined,
): IamChange | undefined {
  const both = was !== undefined && now !== undefined;
  const effectOf = (s: Statement | undefined) => (s?.effect === "Deny" ? "Deny" : "Allow");
  const change: IamChange = {
    ...where,
    effect: effectOf(now ?? was),
    actionsGained: minus(now?.actions ?? [], was?.actions ?? []),
    actionsLost: minus(was?.actions ?? [], now?.actions ?? []),
    resourcesGained: minus(now?.resources ?? [], was?.resources ?? []),
    resourcesLost: minus(was?.resources ?? [], now?.resources ?? []),
    principalsGained: minus(principalIds(now), principalIds(was)),
    principalsLost: minus(principalIds(was), principalIds(now)),
    conditionsLost: both && hasConditionMissingFrom(was, now),
    conditionsGained: both && hasConditionMissingFrom(now, was),
    otherChanges: [
      ...(both && effectOf(was) !== effectOf(now) ? ["effect"] : []),
      ...diffPaths(unreadFields(was), unreadFields(now)),
    ],
    widening: false,
  };
  return classify(change, now === undefined);
}

/** Sets `widening` on a statement's change; `undefined` when nothing differs. */
function classify(change: IamChange, removed: boolean): IamChange | undefined {
  const gained =
    change.actionsGained.length + change.resourcesGained.length + change.principalsGained.length > 0;
  const lost = change.actionsLost.length + change.resourcesLost.length + change.principalsLost.length > 0;
  // A field read as a whole (or the effect) may widen or narrow: the review cannot tell, so it says widening.
  const unknown = change.otherChanges.length > 0;
  change.widening =
    change.effect === "Deny"
      ? lost || removed || change.conditionsGained || unknown
      : gained || change.conditionsLost || unknown;
  return gained || lost || change.conditionsLost || change.conditionsGained || unknown ? change : undefined;
}

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
  const statements = [...new Set([...b.keys(), ...a.keys()])].flatMap(
    (sid) => statementChange({ stack, policy, statement: sid }, b.get(sid), a.get(sid)) ?? [],
  );
  return [...statements, ...documentChanges(stack, policy, before, after)];
}

/**
 * The document's other arguments (source or override documents, version), which change every statement,
 * and a `statement` that is not a list (a token the review cannot read). A document added or removed is
 * compared with an empty one, so its arguments are seen too.
 */
function documentChanges(
  stack: string,
  policy: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): IamChange[] {
  const { statement: statementBefore, ...restBefore } = before ?? {};
  const { statement: statementAfter, ...restAfter } = after ?? {};
  const unreadable = (statement: unknown) => statement !== undefined && !Array.isArray(statement);
  const paths = [
    ...diffPaths(restBefore, restAfter),
    ...((unreadable(statementBefore) || unreadable(statementAfter)) &&
    diffPaths(statementBefore, statementAfter).length > 0
      ? ["statement"]
      : []),
  ];
  return paths.length === 0 ? [] : [documentChange(stack, policy, paths)];
}

/** A change to a policy document outside its statements: read as widening, as the review cannot tell. */
function documentChange(stack: string, policy: string, paths: string[]): IamChange {
  return {
    stack,
    policy,
    statement: "(document)",
    effect: "Allow",
    actionsGained: [],
    actionsLost: [],
    resourcesGained: [],
    resourcesLost: [],
    principalsGained: [],
    principalsLost: [],
    conditionsLost: false,
    conditionsGained: false,
    otherChanges: paths,
    widening: true,
  };
}

type Block = Blocks extends Map<string, infer B> ? B : never;

/** A resource or data source that only one side has: added or removed (and what that means). */
function reviewAddedOrRemoved(
  review: Review,
  stack: string,
  address: string,
  was?: Block,
  now?: Block,
): void {
  const type = (now ?? was)?.type ?? "";
  review.resources.push({
    stack,
    address,
    type,
    action: was === undefined ? "add" : "remove",
    paths: [],
    replacedBy: [],
  });
  const concern = SECURITY_ON_REMOVE[type];
  if (now === undefined && concern !== undefined) {
    review.security.push({
      stack,
      address,
      concern,
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
      principalsLost: [],
      conditionsLost: false,
      conditionsGained: false,
      otherChanges: [],
      widening: now !== undefined,
    });
  }
}

/** A block both sides have: its changed paths, whether one forces a replacement, security concerns. */
function reviewChanged(review: Review, stack: string, address: string, was: Block, now: Block): void {
  const type = now.type;
  const paths = diffPaths(was.body, now.body);
  if (paths.length === 0) return;
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
    if (rule === undefined) continue;
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

/** One stack's resources, data sources, outputs and state backend, compared. */
function reviewStack(review: Review, stack: string, base?: StackJson, head?: StackJson): void {
  const before = blocksOf(base);
  const after = blocksOf(head);
  for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = before.get(address);
    const now = after.get(address);
    if ((now ?? was)?.type === "aws_iam_policy_document")
      review.iam.push(...iamChanges(stack, address, was?.body, now?.body));
    else if (was === undefined || now === undefined) reviewAddedOrRemoved(review, stack, address, was, now);
    else reviewChanged(review, stack, address, was, now);
  }
  const outputsBefore = base?.output ?? {};
  const outputsAfter = head?.output ?? {};
  for (const name of [...new Set([...Object.keys(outputsBefore), ...Object.keys(outputsAfter)])].sort()) {
    if (!(name in outputsBefore)) review.outputs.push({ stack, name, action: "add" });
    else if (!(name in outputsAfter)) review.outputs.push({ stack, name, action: "remove" });
    else if (diffPaths(outputsBefore[name], outputsAfter[name]).length > 0)
      review.outputs.push({ stack, name, action: "change" });
  }
  const backend = diffPaths(base?.terraform?.backend, head?.terraform?.backend);
  if (base !== undefined && head !== undefined && backend.length > 0)
    review.backend.push({ stack, paths: backend });
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
  for (const stack of [...new Set([...base.keys(), ...head.keys()])].sort())
    reviewStack(review, stack, base.get(stack), head.get(stack));
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

/** One stack's line of the summary: what Terraform would do to it, as `terraform plan` counts it. */
export interface StackSummary {
  stack: string;
  add: number;
  change: number;
  replace: number;
  destroy: number;
  /** IAM statements, outputs, security findings and state-backend paths that differ. */
  other: number;
}

/**
 * Per stack (every stack of either side, sorted), how many resources would be added, changed, replaced
 * or destroyed, and how many other differences there are. A stack that is added or removed counts as one
 * other difference even when it holds no resource.
 */
export function summarize(review: Review, stacks: Iterable<string>): StackSummary[] {
  const names = new Set([...stacks, ...review.stacks.added, ...review.stacks.removed]);
  return [...names].sort().map((stack) => {
    const own = review.resources.filter((r) => r.stack === stack);
    const count = (action: ResourceChange["action"]) => own.filter((r) => r.action === action).length;
    const lists = [review.iam, review.security, review.outputs, review.backend] as const;
    const stackChange = review.stacks.added.includes(stack) || review.stacks.removed.includes(stack);
    return {
      stack,
      add: count("add"),
      change: count("change"),
      replace: count("replace"),
      destroy: count("remove"),
      other:
        lists.reduce((n, list) => n + list.filter((x) => x.stack === stack).length, 0) +
        (stackChange ? 1 : 0),
    };
  });
}

/** `dev: 0 to add, 0 to change, 0 to replace, 0 to destroy, 0 other differences` */
export const summaryLine = (s: StackSummary): string =>
  `${s.stack}: ${s.add} to add, ${s.change} to change, ${s.replace} to replace, ${s.destroy} to destroy, ${s.other} other differences`;

/**
 * The exit code of `infra:diff --expect-none`: 1 when anything differs (a resource to add, change,
 * replace or destroy, an IAM statement, an output, a stack, the state backend), 0 when nothing does.
 */
export const expectNoneExitCode = (review: Review): 0 | 1 => (isEmptyReview(review) ? 0 : 1);
