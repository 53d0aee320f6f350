/**
 * What a terminal user sees without a window: every `every` frames one line with the frame, the
 * player's position, the score, the library version and where the game is; a line when a round
 * ends. Reloads print their own lines.
 */
import { HotReloader, Last, OnEnter, type App, type SystemContext } from "hotloop";
import { GameState, Position, Round, Score } from "./components.ts";
import { PlayerEntity } from "./gameplay.ts";

export function HeadlessReport(every = 60, write: (line: string) => void = console.log): (app: App) => void {
  return function headlessReport(app: App) {
    app.addSystems(Last, function report({ time, resource, app }: SystemContext) {
      if (time.frame % every !== 0) return;
      const player = resource(PlayerEntity).id;
      const version = app.getResource(HotReloader)?.version ?? 0;
      write(
        `frame ${String(time.frame).padStart(5)}  player (${Position.x[player]!.toFixed(1)}, ${Position.y[player]!.toFixed(1)})  score ${resource(Score).value}  systems v${version}  fps ${(1 / Math.max(time.frameDelta, 1e-9)).toFixed(0)}  ${describeState(app)}`,
      );
    });
    app.addSystems(OnEnter(GameState.GameOver), function report_round({ resource, time }: SystemContext) {
      write(`frame ${String(time.frame).padStart(5)}  game over: score ${resource(Score).value} (Enter or Space for the menu)`);
    });
  };
}

/** `Playing (12 s left)`, `Menu`, `GameOver`. */
function describeState(app: App): string {
  const state = app.state(GameState);
  return state === GameState.Playing ? `Playing (${Math.ceil(app.resource(Round).seconds_left)} s left)` : state.name;
}
