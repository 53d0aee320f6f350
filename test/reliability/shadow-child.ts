/**
 * A child process for the shadow-dir tests: starts an app with a hot reloader on the library given
 * as the first argument, prints its shadow dir as JSON, then ends the way the second argument says:
 *
 *   wait      waits to be signalled (the test sends SIGINT or SIGTERM)
 *   self      sends itself SIGINT (Ctrl-C)
 *   exit      process.exit(0) without shutting the app down
 *   graceful  the app handles SIGINT itself (shuts down, then exits 0) and then sends it
 *   storm     runs frames while publishing the builds given as third and fourth arguments in
 *             turn every few ms (reloads under way), until signalled
 */
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { App, ManualClock } from "../../src/core/index.ts";
import { HotPlugin, HotReloader } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";

const [library, mode, buildA, buildB] = process.argv.slice(2);
const app = new App({ clock: new ManualClock() });
app.registerComponents(Position, Velocity, Stamp, Trap);
app.addPlugins(HotPlugin({ library: library!, reload: true, reporter: () => {} }));
const reloader = app.resource(HotReloader);
await reloader.ready();
app.update();
const dir = reloader.shadowDir!.path;
console.log(JSON.stringify({ dir, mode: statSync(dir).mode & 0o777, files: readdirSync(dir) }));

if (mode === "graceful") {
  process.on("SIGINT", () => {
    app.shutdown();
    console.log(JSON.stringify({ handled: "SIGINT" }));
    setTimeout(() => process.exit(0), 10);
  });
}
if (mode === "self" || mode === "graceful") process.kill(process.pid, "SIGINT");
if (mode === "storm") {
  const builds = [readFileSync(buildA!), readFileSync(buildB!)];
  let n = 0;
  setInterval(() => {
    writeFileSync(`${library}.next`, builds[n++ % 2]!);
    renameSync(`${library}.next`, library!);
  }, 4);
  setInterval(() => app.update(), 2);
  setInterval(() => console.log(JSON.stringify({ version: reloader.version })), 50);
}
if (mode === "exit") process.exit(0);
setInterval(() => {}, 1000); // keep running until signalled
