/**
 * The bevy-like example, as `hotloop dev` runs it: the gameplay, then a window that draws it or,
 * headless, a line a second, then its pictures, fonts, sounds and music. The default export is the game plugin (package.json "hotloop.entry").
 */
import { isHeadless, type App } from "hotloop";
import { Gameplay } from "./gameplay.ts";
import { HeadlessReport } from "./headless.ts";
import { GameAssets, WindowedExample } from "./render.ts";

export default function bevyLikeGame(app: App): void {
  app.addPlugins(Gameplay);
  app.addPlugins(isHeadless(app) ? HeadlessReport(60) : WindowedExample());
  app.addPlugins(GameAssets); // after the window: its RaylibPlugin brings the audio device
}
