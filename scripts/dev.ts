/**
 * `bun run dev [--features reload] [example options]`: one command, one terminal. Builds
 * systems-rs, and with `--features reload` watches its Rust sources, rebuilds on save (a compile
 * error is printed and the game keeps running the last good code) and lets the game swap each
 * good build in between frames. Runs examples/bevy-like (headless where no display exists).
 */
import { consoleReporter, rebuildOnSave } from "../src/hot/index.ts";
import { parseExampleArgs, USAGE } from "../examples/bevy-like/cli.ts";
import { runExample, SYSTEMS_DIR } from "../examples/bevy-like/run.ts";
import { buildSystems, ensureBuilt } from "./build-systems.ts";

const options = parseExampleArgs(process.argv.slice(2), "debug");
if (options.help) {
  console.log(`usage: bun run dev [--features reload] [options]\n${USAGE}`);
  process.exit(0);
}
const report = consoleReporter(options.logFormat);
await ensureBuilt("debug", options.logFormat);

if (options.reload) {
  const sources = rebuildOnSave({ dir: SYSTEMS_DIR, build: () => buildSystems("debug", report) });
  report({ type: "info", message: `watching ${SYSTEMS_DIR} for changes to .rs files (Ctrl-C to stop)` });
  const code = await runExample(options);
  await sources.close();
  process.exit(code);
}
process.exit(await runExample(options));
