/** Every suite, by the name results and `bun run bench NAME` use, in the order a full run takes them. */
import type { Suite } from "../suite.ts";
import { callSuite } from "./call.ts";
import { commandsSuite } from "./commands.ts";
import { assetsSuite } from "./assets.ts";
import { bindingSuite } from "./binding.ts";
import { drawSuite } from "./draw.ts";
import { ecsMovement } from "./ecs-movement.ts";
import { ecsSuites } from "./ecs.ts";
import { frameTs } from "./frame-ts.ts";
import { frameSuite } from "./frame.ts";
import { inspectorSuite } from "./inspector.ts";
import { liveSuite } from "./live.ts";
import { peersSuite } from "./peers.ts";
import { probationSuite } from "./probation.ts";
import { releaseSuite } from "./release.ts";
import { rewindSuite } from "./rewind.ts";
import { editToRunningSuite, reloadSuite } from "./reload.ts";
import { sceneSuite } from "./scene.ts";
import { soakSuite } from "./soak.ts";
import { systemsSuite } from "./systems.ts";

/**
 * The files whose code makes each suite's figures (besides bench/lib.ts), relative to bench/: a
 * result records their hash, and the tables refuse a result measured with other code.
 */
export const SUITE_SOURCES: Record<string, readonly string[]> = {
  call: ["suites/call.ts"],
  systems: ["suites/systems.ts"],
  frame: ["suites/frame.ts"],
  reload: ["suites/reload.ts"],
  probation: ["suites/probation.ts"],
  edit_to_running: ["suites/reload.ts", "dev-rig.ts"],
  live: ["suites/live.ts"],
  soak: ["suites/soak.ts", "../scripts/soak.ts"],
  frame_ts: ["suites/frame-ts.ts"],
  ecs_movement: ["suites/ecs-movement.ts"],
  ecs: ["suites/ecs.ts"],
  scene: ["suites/scene.ts"],
  peers: ["suites/peers.ts"],
  draw: ["suites/draw.ts", "window.ts"],
  binding: ["suites/binding.ts", "window.ts", "old-binding/old-shim.c", "../scripts/gen-raylib.ts"],
  assets: ["suites/assets.ts", "window.ts", "../src/render/asset-reload.ts"],
  commands: ["suites/commands.ts"],
  release: ["suites/release.ts"],
  inspector: ["suites/inspector.ts", "../src/dev/inspector/inspector.ts", "../src/dev/inspector/world-view.ts", "../src/dev/inspector/page.html"],
  rewind: ["suites/rewind.ts", "../src/core/timeline.ts", "../src/core/snapshot.ts", "../src/ecs/snapshot.ts", "../src/core/determinism.ts"],
};

// A Suite<F> with its own figure type, listed by name; `rows` is a method, so each fits Suite.
export const SUITES: Record<string, Suite> = {
  call: callSuite,
  systems: systemsSuite,
  frame: frameSuite,
  reload: reloadSuite,
  probation: probationSuite,
  edit_to_running: editToRunningSuite,
  live: liveSuite,
  soak: soakSuite,
  frame_ts: frameTs,
  ecs_movement: ecsMovement,
  ecs: ecsSuites,
  scene: sceneSuite,
  peers: peersSuite,
  draw: drawSuite,
  binding: bindingSuite,
  assets: assetsSuite,
  commands: commandsSuite,
  release: releaseSuite,
  inspector: inspectorSuite,
  rewind: rewindSuite,
};
