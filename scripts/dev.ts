/**
 * `bun run dev [--features reload] [example options]`: one command, one terminal. Builds
 * systems-rs, and with `--features reload` watches its Rust sources, rebuilds on save (a compile
 * error is printed and the game keeps running the last good code) and lets the game swap each
 * good build in between frames. Runs examples/bevy-like (headless where no display exists).
 */
import { watch } from "chokidar";
import { consoleReporter } from "../src/hot/index.ts";
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
  // Rebuild on save; one build at a time, and one more if files changed during it.
  let building = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rebuild = async (): Promise<void> => {
    if (building) {
      again = true;
      return;
    }
    building = true;
    do {
      again = false;
      await buildSystems("debug", report);
    } while (again);
    building = false;
  };
  const sources = watch(SYSTEMS_DIR, {
    ignoreInitial: true,
    ignored: (path: string) => path.includes("/target") || /\.(swp|tmp)$|~$/.test(path),
  });
  sources.on("all", (_event, path) => {
    if (!/\.rs$|Cargo\.toml$/.test(path)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), 30);
  });
  report({ type: "info", message: `watching ${SYSTEMS_DIR} for changes to .rs files (Ctrl-C to stop)` });
  const code = await runExample(options);
  await sources.close();
  process.exit(code);
}
process.exit(await runExample(options));
