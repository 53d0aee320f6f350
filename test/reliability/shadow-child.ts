/**
 * A child process for the shadow-dir tests: starts an app with a hot reloader on the library given
 * as the first argument, prints its shadow dir as JSON, then ends the way the second argument says:
 *
 *   wait      waits to be signalled (the test sends SIGINT or SIGTERM)
 *   self      sends itself SIGINT (Ctrl-C)
 *   exit      process.exit(0) without shutting the app down
 *   graceful  the app handles SIGINT itself (shuts down, then exits 0) and then sends it
 */
import { readdirSync, statSync } from "node:fs";
import { App, ManualClock } from "../../src/core/index.ts";
import { HotPlugin, HotReloader } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";

const [library, mode] = process.argv.slice(2);
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
if (mode === "exit") process.exit(0);
setInterval(() => {}, 1000); // keep running until signalled
