/**
 * The bevy-like example: `bun start` (or `bun examples/bevy-like/main.ts`). Builds the Rust
 * systems if needed and runs the game, windowed where a display exists, headless elsewhere.
 * `bun run dev --features reload` runs it with hot reload; `bun run static` with a release build.
 */
import { ensureBuilt } from "../../scripts/build-systems.ts";
import { parseExampleArgs, USAGE } from "./cli.ts";
import { runExample } from "./run.ts";

const options = parseExampleArgs(process.argv.slice(2), "debug");
if (options.help) {
  console.log(`usage: bun examples/bevy-like/main.ts [options]\n${USAGE}`);
  process.exit(0);
}
await ensureBuilt("debug", options.logFormat);
process.exit(await runExample(options));
