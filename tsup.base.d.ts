import type { Options } from "tsup";

/** The build options every workspace shares; see tsup.base.js. */
export declare const nodeBuild: Readonly<
  Required<Pick<Options, "format" | "target" | "platform" | "sourcemap" | "clean">>
>;
