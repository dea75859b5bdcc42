import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * The one door to external programs (terraform or tofu, docker, pnpm). Tests replace those programs at
 * the process boundary by putting fakes first on `PATH` of the runner's environment.
 */

/** A program ran and failed: names the command line and its exit code (or the signal that ended it). */
export class CommandFailed extends Error {
  override readonly name = "CommandFailed";
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null = null,
  ) {
    super(
      `\`${command}\` ${exitCode === null ? `was ended by ${signal ?? "a signal"}` : `exited with ${exitCode}`}`,
    );
  }
}

/** A program is not installed (not found on PATH). */
export class CommandNotFound extends Error {
  override readonly name = "CommandNotFound";
  constructor(readonly program: string) {
    super(`\`${program}\` is not on PATH`);
  }
}

export interface RunOptions {
  cwd?: string;
  /** Added to the runner's environment for this command only. */
  env?: Record<string, string>;
  /** Written to the program's standard input, then closed (for secrets: never on the command line). */
  input?: string;
}

export interface Captured {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Quotes an argument for display when the shell would need it. */
export function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./{}-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A command line as a person would type it. */
export function commandLine(program: string, args: readonly string[], env?: Record<string, string>): string {
  const prefix = Object.entries(env ?? {}).map(([k, v]) => `${k}=${quoteArg(v)} `);
  return `${prefix.join("")}${[program, ...args].map(quoteArg).join(" ")}`;
}

export class ProcessRunner {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;

  constructor(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.env = options.env ?? process.env;
    this.cwd = options.cwd ?? process.cwd();
  }

  /** The absolute path of `program` on this runner's PATH, or undefined. */
  which(program: string): string | undefined {
    if (isAbsolute(program)) return program;
    for (const dir of (this.env.PATH ?? "").split(delimiter)) {
      if (dir === "") continue;
      const candidate = join(dir, program);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
    return undefined;
  }

  /**
   * Runs a program with the terminal's output (stdio inherited; stdin too unless `input` is given) and
   * resolves when it exits 0; rejects with CommandFailed otherwise, CommandNotFound if it is missing.
   */
  run(program: string, args: readonly string[], options: RunOptions = {}): Promise<void> {
    const path = this.which(program);
    if (path === undefined) return Promise.reject(new CommandNotFound(program));
    const line = commandLine(program, args);
    return new Promise((resolve, reject) => {
      const child = spawn(path, args, {
        cwd: options.cwd ?? this.cwd,
        env: { ...this.env, ...options.env },
        stdio: [options.input === undefined ? "inherit" : "pipe", "inherit", "inherit"],
      });
      if (options.input !== undefined && child.stdin !== null) {
        // A program that exits without reading its input must not crash us with EPIPE.
        child.stdin.on("error", () => {});
        child.stdin.end(options.input);
      }
      child.once("error", (error) => reject(error));
      child.once("close", (code, signal) => {
        if (code === 0) resolve();
        else reject(new CommandFailed(line, code, signal));
      });
    });
  }

  /** Runs a program quietly and returns what it printed and its exit code (never rejects on exit codes). */
  capture(
    program: string,
    args: readonly string[],
    options: Omit<RunOptions, "input"> = {},
  ): Promise<Captured> {
    const path = this.which(program);
    if (path === undefined) return Promise.reject(new CommandNotFound(program));
    return new Promise((resolve, reject) => {
      const child = spawn(path, args, {
        cwd: options.cwd ?? this.cwd,
        env: { ...this.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.once("error", (error) => reject(error));
      child.once("close", (code) => resolve({ code, stdout, stderr }));
    });
  }
}
