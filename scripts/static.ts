/**
 * `bun run static [example options]`: a release build of systems-rs, loaded once from its build
 * path: no watcher, no shadow copy, no per-frame check. Windowed where a display exists.
 */
import { parseExampleArgs, USAGE } from "../examples/bevy-like/cli.ts";
import { runExample } from "../examples/bevy-like/run.ts";
import { ensureBuilt } from "./build-systems.ts";

const options = parseExampleArgs(process.argv.slice(2), "release");
if (options.help) {
  console.log(`usage: bun run static [options]\n${USAGE}`);
  process.exit(0);
}
if (options.reload) console.error("hotloop: --features reload is ignored by bun run static (use bun run dev)");
await ensureBuilt("release", options.logFormat);
process.exit(await runExample({ ...options, reload: false }));
