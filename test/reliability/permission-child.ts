/**
 * A child for the permission test, run as another user (nobody): plays the fixture's systems from
 * the library given, with reload on, and prints every event and the stamp as JSON lines.
 */
import { App, FixedUpdate, ManualClock } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";

const clock = new ManualClock();
const app = new App({ clock });
app.registerComponents(Position, Velocity, Stamp, Trap);
app.addPlugins(HotPlugin({ library: process.argv[2]!, reload: true, reporter: (e) => console.log(JSON.stringify({ event: e })) }));
app.addSystems(FixedUpdate, hotSystem("stamp"));
const e = spawn(app.world, Stamp);
await app.resource(HotReloader).ready();
for (let frame = 0; ; frame++) {
  clock.advance(1000 / 64);
  app.update();
  if (frame % 20 === 0) console.log(JSON.stringify({ stamp: Stamp.value[e] }));
  await Bun.sleep(2);
}
