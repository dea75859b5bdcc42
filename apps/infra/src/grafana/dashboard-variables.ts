/** What this module reads of a dashboard variable. */
interface VariableLike {
  readonly name?: string | undefined;
  readonly type?: string | undefined;
}

/** The part of a dashboard's JSON this module reads: its variables. */
interface WithTemplating {
  readonly templating?: { readonly list?: readonly VariableLike[] | undefined } | undefined;
}

/**
 * A copy of `dashboard` whose text-box variable `name` defaults to `value` (its `query` and `current`),
 * for names only the stack knows: the dashboards package's context has a default for each, and the
 * dashboards stack fills in the real one (the backend's log group). Throws when the dashboard has no
 * such text-box variable, so a renamed variable cannot be silently missed.
 */
export function withTextVariable<T extends WithTemplating>(dashboard: T, name: string, value: string): T {
  const list = dashboard.templating?.list ?? [];
  const found = list.findIndex((v) => v.name === name && v.type === "textbox");
  if (found < 0) throw new Error(`dashboard has no text-box variable "${name}"`);
  const variables = list.map((v, i) =>
    i === found ? { ...v, query: value, current: { text: value, value } } : v,
  );
  // The variable keeps its shape (a text box); only its values change, so the dashboard's type holds.
  return { ...dashboard, templating: { ...dashboard.templating, list: variables } } as T;
}
