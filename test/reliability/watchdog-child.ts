/**
 * A child for the watchdog test: runs the fixture's trap (armed) from the library given as the
 * first argument, with a 100 ms watchdog, frame after frame. Its trap never returns, so the game
 * freezes; the test reads what the watchdog printed and kills it.
 */
import { App, FixedUpdate, ManualClock } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, hotSystem } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";

const clock = new ManualClock();
const app = new App({ clock });
app.registerComponents(Position, Velocity, Stamp, Trap);
app.addPlugins(HotPlugin({ library: process.argv[2]!, reload: true, watchdogMs: 100, reporter: (e) => console.error(JSON.stringify(e)) }));
app.addSystems(FixedUpdate, hotSystem("trap"));
spawn(app.world, [Trap, { armed: 1 }]);
console.log("started");
for (;;) {
  clock.advance(1000 / 64);
  app.update();
  await Bun.sleep(1);
}
