/**
 * A headless demo of hotloop's loop: a few bouncing entities moved at the fixed timestep,
 * printed once a second. `bun examples/loop-demo/main.ts [--frames N]`.
 */
import { App, FixedUpdate, Startup, Update, defineComponent, defineQuery, type SystemContext } from "hotloop";

const Position = defineComponent("Position", { x: "f32", y: "f32" });
const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });

const args = process.argv.slice(2);
const framesArg = args.indexOf("--frames");
const maxFrames = framesArg >= 0 ? Number(args[framesArg + 1]) : 180;

const app = new App();
const moving = defineQuery(app.world, [Position, Velocity]);

app.addSystems(Startup, function setup({ spawn }: SystemContext) {
  for (let i = 0; i < 3; i++) spawn([Position, { x: 10 * i, y: 0 }], [Velocity, { x: 40 + 20 * i, y: 25 }]);
});
app.addSystems(FixedUpdate, function movement({ time }: SystemContext) {
  for (const e of moving.ids()) {
    Position.x[e]! += Velocity.x[e]! * time.delta;
    Position.y[e]! += Velocity.y[e]! * time.delta;
    if (Position.x[e]! < 0 || Position.x[e]! > 100) Velocity.x[e]! *= -1;
    if (Position.y[e]! < 0 || Position.y[e]! > 100) Velocity.y[e]! *= -1;
  }
});
app.addSystems(Update, function report({ time }: SystemContext) {
  if (time.frame % 60 !== 0) return;
  const where = [...moving.ids()].map((e) => `#${e} (${Position.x[e]!.toFixed(1)}, ${Position.y[e]!.toFixed(1)})`).join("  ");
  console.log(`frame ${time.frame}  t=${time.elapsed.toFixed(2)}s  fixed dt=${(time.fixedDelta * 1000).toFixed(3)}ms  ${where}`);
});

const code = await app.run({ targetFps: 60, maxFrames });
console.log(`stopped after ${app.time.frame} frames, exit code ${code}`);
