/**
 * The timeline's keys and its one-line HUD, in the window of `hotloop dev --timeline` (loaded only
 * when the run has a window, so a headless run never touches raylib):
 *
 * | key | does |
 * |---|---|
 * | F5 | pause / resume (resuming drops the frames recorded after the one shown) |
 * | F6 | one frame back (Shift+F6: one second) |
 * | F7 | one frame forward (Shift+F7: one second); past the newest frame, new frames are run and recorded |
 * | F8 | mark the loop's start, then its end (the loop plays), then clear it |
 * | F9 | replay now: re-simulate the loop, or the last seconds, with the code running now |
 * | F10 | replay on save on / off |
 *
 * The keys are read from raylib at every frame boundary, paused frames included (they run no
 * First, where the game's Input is filled), and are reserved ({@link Raylib.reservedKeys}): the
 * game's Input never sees them. Each is carried out at the next frame boundary by the
 * {@link TimelineConsole} and answered with one line, as a stdin command is. While paused or
 * looping, a bar at the bottom of the screen says the mode, the frame, what is kept and the keys.
 *
 * @module
 */
import type { App } from "../core/app.ts";
import { drawListOf } from "../core/draw-list.ts";
import { KEY_CODES as Key } from "../core/keys.ts";
import { Render } from "../core/schedule-label.ts";
import { Timeline, type TimelineStatus } from "../core/timeline.ts";
import { rgba } from "../render/ffi-values.ts";
import { Raylib } from "../render/raylib.ts";
import type { TimelineCommand } from "./timeline-commands.ts";
import { TimelineConsole } from "./timeline-controls.ts";

/** The HUD bar's colour (opaque: the bar reads the same over any scene). */
export const TIMELINE_HUD_BACKGROUND = rgba(18, 20, 28);
/** The HUD text's colour. */
export const TIMELINE_HUD_TEXT = rgba(255, 214, 64);

/** The keys the timeline takes from the game while it is on. */
const KEYS = [Key.F5, Key.F6, Key.F7, Key.F8, Key.F9, Key.F10];

/** What each key sends: the command, and with Shift held. */
const BINDINGS: readonly { readonly key: number; readonly name: string; readonly plain: TimelineCommand; readonly shifted?: TimelineCommand }[] = [
  { key: Key.F5, name: "F5", plain: { kind: "toggle_pause" } },
  { key: Key.F6, name: "F6", plain: { kind: "back", frames: 1 }, shifted: { kind: "back", seconds: 1 } },
  { key: Key.F7, name: "F7", plain: { kind: "step", frames: 1 }, shifted: { kind: "step", seconds: 1 } },
  { key: Key.F8, name: "F8", plain: { kind: "loop_next" } },
  { key: Key.F9, name: "F9", plain: { kind: "replay", what: "now" } },
  { key: Key.F10, name: "F10", plain: { kind: "toggle_replay" } },
];

/**
 * The keys and the HUD (see the module comment); add it after {@link TimelineControls}. Does
 * nothing without a window (no {@link Raylib} resource, or raylib's headless stand-in).
 */
export function TimelineWindow(app: App): void {
  const rl = app.getResource(Raylib);
  if (!rl || rl.headless) return;
  const timeline = app.resource(Timeline);
  const commands = app.resource(TimelineConsole);
  for (const key of KEYS) rl.reservedKeys.add(key);

  app.onFrameBoundary(() => {
    for (const binding of BINDINGS) {
      if (!rl.isKeyPressed(binding.key)) continue;
      const shift = binding.shifted !== undefined && (rl.isKeyDown(Key.LEFT_SHIFT) || rl.isKeyDown(Key.RIGHT_SHIFT));
      commands.send(shift ? binding.shifted! : binding.plain, shift ? `Shift+${binding.name}` : binding.name);
    }
    // Paused frames run no First, where the RaylibPlugin asks whether the window should close.
    if (app.exitRequested === undefined && rl.windowShouldClose() && timeline.status().mode !== "live") app.exit(0);
  });

  app.addSystems(Render, function timeline_hud() {
    const status = timeline.status();
    if (status.mode === "live") return;
    const text = hudText(status);
    const width = rl.getScreenWidth();
    const height = rl.getScreenHeight();
    const size = rl.measureText(text, 20) <= width - 16 ? 20 : 10;
    const bar = size + 12;
    const draw = drawListOf(app);
    draw.screen.rect(0, height - bar, width, bar, TIMELINE_HUD_BACKGROUND);
    draw.screen.text(text, 8, height - bar + 6, size, TIMELINE_HUD_TEXT);
  });
}

/**
 * The HUD's line: the mode and frame, what is kept, and the keys that apply now (ASCII only:
 * raylib's default font has no other glyphs).
 */
export function hudText(s: TimelineStatus): string {
  const replay = `F10 replay on save: ${s.replayOnSave ? "on" : "off"}`;
  if (s.mode === "looping" && s.loop?.end !== undefined) {
    return `LOOP frames ${s.loop.start}-${s.loop.end}, at ${s.cursor} | F8 clear loop  F5 pause  F9 replay  ${replay}`;
  }
  const loop = !s.loop ? "F8 loop start" : s.loop.end === undefined ? `F8 loop end (from ${s.loop.start})` : "F8 clear loop";
  return `PAUSED at frame ${s.cursor} | kept ${s.first}-${s.last} (${s.seconds.toFixed(1)} s) | F5 resume  F6/F7 -/+1 frame (Shift: 1 s)  ${loop}  F9 replay  ${replay}`;
}
