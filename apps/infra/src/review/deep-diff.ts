/** Attribute paths where two JSON values differ (`a.b[0].c`); cdktf's "//" comment blocks are ignored. */
export function diffPaths(before: unknown, after: unknown, path = ""): string[] {
  if (Object.is(before, after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      out.push(...diffPaths(before[i], after[i], `${path}[${i}]`));
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const out: string[] = [];
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      if (key === "//") continue;
      out.push(...diffPaths(before[key], after[key], path === "" ? key : `${path}.${key}`));
    }
    return out;
  }
  return [path === "" ? "(value)" : path];
}

/** The value at a path written by {@link diffPaths}. */
export function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
