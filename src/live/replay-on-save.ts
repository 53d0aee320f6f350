/**
 * Replay after a save: with a {@link Timeline} whose `replayOnSave` is on, each save that applies
 * (a Rust build swapped in, a TypeScript save, a component migration) asks the timeline to
 * re-simulate the last seconds (or the marked loop) with the new code and the recorded input, at
 * the same frame boundary, so the frame after the save already shows what the new code would have
 * done. Add it after the reloaders and the TimelinePlugin (the dev runner does).
 *
 * @module
 */
import type { App } from "../core/app.ts";
import { Timeline } from "../core/timeline.ts";
import { HotReloader } from "../hot/reloader.ts";
import { GameReloader } from "./game-reloader.ts";

/** Wires the app's reloaders to its timeline's replay (see the module comment). */
export function ReplayOnSave(app: App): void {
  const timeline = app.resource(Timeline);
  const ask = () => {
    if (timeline.replayOnSave) timeline.requestReplay();
  };
  app.getResource(HotReloader)?.onReloaded((e) => {
    if (e.cause === "swap") ask();
  });
  app.getResource(GameReloader)?.onApplied(ask);
}
