/**
 * `hotloop release`: the game as one executable for players (src/dev/release.ts).
 */
import { loadProject } from "../dev/project.ts";
import { releaseProject } from "../dev/release.ts";
import { consoleReporter } from "../hot/report.ts";
import { parseArgs, UsageError } from "./args.ts";

export const RELEASE_USAGE = `usage: hotloop release [--out DIR] [--target TARGET] [--no-window]

Builds the hot systems in release mode and packs the game into one executable: its TypeScript,
hotloop's runtime, the hot library, raylib and its shim, and the headless key script. A player
runs it with nothing installed: no Bun, no cargo, no C compiler, no network.

options:
  --out DIR          where the executable goes (default: dist/)
  --target TARGET    only this machine's target can be released from here
  --no-window        leave raylib out (a game that never opens a window)`;

/** `hotloop release`. */
export async function releaseCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, [
    { name: "help", short: "-h" },
    { name: "out", value: "string" },
    { name: "target", value: "string" },
    { name: "no-window" },
  ]);
  if (args.has("help")) {
    console.log(RELEASE_USAGE);
    return 0;
  }
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const project = await loadProject();
  const report = consoleReporter("human");
  const result = await releaseProject(project, { out: args.string("out"), target: args.string("target"), noWindow: args.has("no-window"), report });
  const mb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);
  const parts = result.parts.map((p) => `${p.name} ${mb(p.bytes)}`).join(", ");
  console.error(`hotloop: released ${project.show(result.file)}: ${mb(result.bytes)} (${parts}; the rest is Bun's runtime and the game's JavaScript) in ${(result.ms / 1000).toFixed(1)} s`);
  if (result.glibc) console.error(`hotloop: it runs on Linux ${process.arch} with glibc ${result.glibc} or newer (what the native parts built here ask for); a window needs X11 (or XWayland) with OpenGL`);
  return 0;
}
