/**
 * inspector: what `hotloop dev --inspect` costs a frame. Three Apps of 10k moving entities (a
 * TypeScript movement system over all of them and four small systems), frames alternating so all
 * three see the same machine: one with no inspector, one with the inspector attached and no page
 * open, one with the page open in a real browser (Debian's chromium, headless, through
 * puppeteer-core) acknowledging each frame it draws. The three frames run once every 1/60 s (in
 * turn first, second and third: the first after the pause runs on colder caches), and
 * between them the event loop runs, as under `App.run`, so the page's acknowledgements arrive and
 * it is sent a frame whenever it is ready.
 * The figure is the mean frame time (it includes the frames that build and send an update) and
 * the ratio to the App without an inspector.
 */
import puppeteer from "puppeteer-core";
import { App, FixedUpdate, ManualClock, Update, yieldToEventLoop } from "../../src/core/index.ts";
import { defineQuery, spawn } from "../../src/ecs/index.ts";
import { Inspector } from "../../src/dev/inspector/inspector.ts";
import { Position, Velocity } from "../components.ts";
import { fmt } from "../lib.ts";
import type { Suite } from "../suite.ts";

const ENTITIES = 10_000;

interface InspectorFigures {
  /** Mean frame time in ms: no inspector, attached with no page, with a page open. */
  readonly none_ms: number;
  readonly idle_ms: number;
  readonly open_ms: number;
  readonly idle_over_none: number;
  readonly open_over_none: number;
  /** What the open page adds to a frame, ms, and that as a share of a 60 fps frame (16.7 ms). */
  readonly open_added_ms: number;
  readonly open_added_share: number;
  /** Frames sent to the page per 100 frames run (it asks for the next once it drew one). */
  readonly sent_per_100: number;
}

function gameApp(): { app: App; clock: ManualClock } {
  const clock = new ManualClock();
  const app = new App({ clock, fixedHz: 60 });
  app.registerComponents(Position, Velocity);
  for (let i = 0; i < ENTITIES; i++) spawn(app.world, [Position, { x: i % 800, y: i % 600 }], [Velocity, { x: 1, y: -1 }]);
  const movers = defineQuery(app.world, [Position, Velocity]);
  app.addSystems(FixedUpdate, function movement({ time }) {
    const ids = movers.ids();
    const dt = time.delta;
    for (let i = 0; i < ids.length; i++) {
      const e = ids[i]!;
      Position.x[e] = Position.x[e]! + Velocity.x[e]! * dt;
      Position.y[e] = Position.y[e]! + Velocity.y[e]! * dt;
    }
  });
  let counter = 0;
  for (const name of ["input_map", "cooldowns", "score", "hud"]) {
    app.addSystems(Update, { [name]: () => void counter++ }[name]!);
  }
  return { app, clock };
}

function frame(side: { app: App; clock: ManualClock }): number {
  side.clock.advance(1000 / 60);
  const start = Bun.nanoseconds();
  side.app.update();
  return (Bun.nanoseconds() - start) / 1e6;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export const inspectorSuite: Suite<InspectorFigures> = {
  async run(options) {
    const chromium = Bun.which("chromium") ?? Bun.which("chromium-browser") ?? Bun.which("google-chrome");
    if (!chromium) throw new Error("bench inspector: no chromium on PATH to open the page (apt-get install chromium)");
    const none = gameApp();
    const idle = gameApp();
    const open = gameApp();
    let browser: Awaited<ReturnType<typeof puppeteer.launch>> | undefined;
    try {
      // Attached inspectors close with their apps (below), whatever fails.
      Inspector.listen({ game: "bench-idle" }).attach(idle.app);
      const openInspector = Inspector.listen({ game: "bench-open" });
      openInspector.attach(open.app);
      browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 1000 });
      await page.goto(openInspector.url);
      // Frames until the page is live and has drawn its first entity rows.
      for (let i = 0; i < 2000 && (await page.$$("#entities tr[data-entity]")).length === 0; i++) {
        frame(open);
        await Bun.sleep(5);
      }
      if ((await page.$$("#entities tr[data-entity]")).length === 0) throw new Error("bench inspector: the page never showed the entities");
      const samples = options.quick ? 60 : 900;
      const times = { none: [] as number[], idle: [] as number[], open: [] as number[] };
      for (let i = 0; i < 30; i++) {
        frame(none);
        frame(idle);
        frame(open);
        await yieldToEventLoop();
      }
      const before = openInspector.stats.sent;
      // At a game's pace (60 frames a second, as App.run paces them): the page draws at its own
      // rate, and is sent a frame each time it has drawn the last.
      let next = performance.now();
      const sides = [
        () => times.none.push(frame(none)),
        () => times.idle.push(frame(idle)),
        () => times.open.push(frame(open)),
      ];
      for (let i = 0; i < samples; i++) {
        // The first frame after the sleep runs on colder caches: each side takes each place in turn.
        for (let k = 0; k < 3; k++) sides[(i + k) % 3]!();
        next += 1000 / 60;
        const wait = next - performance.now();
        await (wait >= 1 ? Bun.sleep(wait) : yieldToEventLoop()); // the page's acknowledgements come in here
      }
      const sent = openInspector.stats.sent - before;
      const noneMs = mean(times.none);
      const idleMs = mean(times.idle);
      const openMs = mean(times.open);
      return {
        none_ms: noneMs,
        idle_ms: idleMs,
        open_ms: openMs,
        idle_over_none: idleMs / noneMs,
        open_over_none: openMs / noneMs,
        open_added_ms: openMs - noneMs,
        open_added_share: (openMs - noneMs) / (1000 / 60),
        sent_per_100: (100 * sent) / samples,
      };
    } finally {
      await browser?.close();
      none.app.shutdown();
      idle.app.shutdown();
      open.app.shutdown();
    }
  },
  rows: (f) => [
    {
      suite: "inspector",
      figure: "frame at 10k entities: no inspector / attached, no page / page open",
      value: `${fmt(f.none_ms)} / ${fmt(f.idle_ms)} / ${fmt(f.open_ms)} ms`,
      context: `mean frame at 60 fps, the frames that build and send an update included: attached with no page ${fmt(f.idle_over_none)}x; page open +${fmt(f.open_added_ms)} ms a frame (${fmt(100 * f.open_added_share, 2)}% of a 60 fps frame, ${fmt(f.open_over_none)}x this small frame), the page (headless chromium, 50 entity rows) sent ${fmt(f.sent_per_100, 2)} frames per 100`,
      spread: ["none_ms", "idle_ms", "open_ms"],
      headline: true,
    },
  ],
};
