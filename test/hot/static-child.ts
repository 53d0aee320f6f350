/** A child for the static-mode test: loads the library by the bare name given, statically, and prints the stamp it writes. */
import { App, FixedUpdate, ManualClock } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";

const clock = new ManualClock();
const app = new App({ clock });
app.registerComponents(Position, Velocity, Stamp, Trap);
app.addPlugins(HotPlugin({ library: process.argv[2]!, reload: false, reporter: () => {} }));
app.addSystems(FixedUpdate, hotSystem("stamp"));
const e = spawn(app.world, Stamp);
app.update();
clock.advance(1000 / 64);
app.update();
console.log(JSON.stringify({ stamp: Stamp.value[e], loaded: app.resource(HotReloader).loadedPaths() }));
app.shutdown();
