// What every workspace's build shares: ESM for Node 20 with source maps, dist/ emptied first. A workspace
// spreads it and adds its entries, declarations and anything of its own. Plain JavaScript with a
// declaration file beside it because each workspace's tsconfig keeps rootDir at the workspace: a .ts file
// here would be a source file outside it, a .d.ts is not.
export const nodeBuild = Object.freeze({
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
});
