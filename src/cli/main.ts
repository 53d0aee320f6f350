#!/usr/bin/env bun
/**
 * The `hotloop` command. Each subcommand reads the project from the package.json of the working
 * directory (or its nearest ancestor), `"hotloop"` key included (see src/dev/project.ts).
 * Mistakes are one line and exit 2; failures one line and exit 1 (HOTLOOP_DEBUG=1 adds the stack).
 */
import { buildCommand, codegenCommand } from "./build.ts";
import { UsageError } from "./args.ts";
import { newCommand } from "./new.ts";
import { releaseCommand } from "./release.ts";
import { ProjectError } from "../dev/project.ts";
import { oneLineError } from "../core/errors.ts";
import { devCommand, staticCommand } from "./run.ts";

const USAGE = `usage: hotloop <command> [options]

commands:
  new <dir>                  create a starter game
  dev [--features reload]    build the hot systems and run the game; with reload, rebuild and swap on save
  static                     run exactly what release packs (the release itself, from .hotloop/static)
  release [--out DIR]        the game as one executable for players
  build [--release]          codegen, cargo build, typed system names
  codegen [--check]          write the Rust views of the TypeScript components

\`hotloop <command> --help\` for its options.`;

const COMMANDS: Record<string, (argv: readonly string[]) => Promise<number>> = {
  new: newCommand,
  dev: devCommand,
  static: staticCommand,
  build: buildCommand,
  codegen: codegenCommand,
  release: releaseCommand,
};

/** Runs one command line; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(", ")})`);
    return await command(rest);
  } catch (e) {
    const error = e as Error;
    if (error instanceof UsageError) {
      console.error(command ? `hotloop ${name}: ${error.message} (see hotloop ${name} --help)` : `hotloop: ${error.message}`);
      return 2;
    }
    // A project's own mistake is said as is; anything else thrown (a game plugin that throws while
    // the app is built, a module that fails to import) also says where.
    console.error(`hotloop: ${error instanceof ProjectError ? firstLine(error) : oneLineError(error).replace(/^hotloop: /, "")}`);
    if (process.env.HOTLOOP_DEBUG) console.error(error.stack);
    return 1;
  }
}

/** A module that failed to import carries its file:line in Bun's message; keep one line of it. */
function firstLine(error: Error): string {
  return (error.message || String(error)).split("\n")[0]!.replace(/^hotloop: /, "");
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
