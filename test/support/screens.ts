/** The screen as each frame left it, for window tests (Xvfb). */
import type { Raylib, ScreenPixels } from "../../src/render/raylib.ts";

/**
 * Reads the screen right before each EndDrawing, after the Render systems and the draw list:
 * what the player sees. On this instance only, until `stop()` (raylib's Raylib is one per process).
 */
export function captureScreens(rl: Raylib): { readonly seen: ScreenPixels[]; stop(): void } {
  const seen: ScreenPixels[] = [];
  const endDrawing = rl.endDrawing.bind(rl);
  rl.endDrawing = () => {
    seen.push(rl.readScreen());
    endDrawing();
  };
  return { seen, stop: () => void Reflect.deleteProperty(rl, "endDrawing") };
}
