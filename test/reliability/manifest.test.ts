/**
 * Issue 5, case 2: libraries whose manifest the app must refuse. Each bad library is a real cargo
 * build (test/support/variants.ts): the hot fixture edited, or a hand-written library
 * (test/fixtures/raw-library) for what the SDK never produces.
 */
import { describe, test } from "bun:test";
import { Velocity } from "../fixtures/hot-fixture/components.ts";
import { expectRefusedThenRecovers } from "./refusal.ts";
import { literal, reliabilityFile, rig, SLOW, type Rig } from "./rig.ts";

const v = reliabilityFile("stamp1", "stamp2", "noExport", "badJson", "badShape", "abi2", "abi2Lacking", "renamed", "moreComponents", "readOnly", "layout");
let r: Rig | undefined;

/** Starts on stamp 1, makes `bad` the build output, expects `reason`, then recovers with stamp 2. */
async function refused(bad: Uint8Array, reason: string | RegExp): Promise<void> {
  r = await rig(v.stamp1);
  const running = r;
  await expectRefusedThenRecovers(running, () => running.publish(bad), reason, v.stamp2, 2);
}

const restart = ": restart the game to use the new signature";

describe("a bad manifest is refused with one line naming the file; the game keeps running; the next build loads", () => {
  test("missing: a cdylib without the SDK's exports", async () => {
    await refused(v.noExport, /not a hotloop library: it lacks hotloop_\w+ \(build it with hotloop_sdk::export!\)/);
  }, SLOW);

  test("malformed: not JSON", async () => {
    await refused(v.badJson, /manifest is not valid JSON \(JSON Parse error: [^)]+\)/);
  }, SLOW);

  test("malformed: JSON of the wrong shape", async () => {
    await refused(v.badShape, /manifest systems\[0\]\.params\[0\]\.components: .+/);
  }, SLOW);

  test("an SDK ABI version that does not match", async () => {
    await refused(v.abi2, "SDK ABI version 2 does not match the host's 1: rebuild the library against this hotloop");
  }, SLOW);

  test("an SDK ABI version that does not match, in a library whose exports differ too: the version is the reason given", async () => {
    await refused(v.abi2Lacking, "SDK ABI version 2 does not match the host's 1: rebuild the library against this hotloop");
  }, SLOW);

  test("a registered system removed or renamed", async () => {
    await refused(v.renamed, "system stamp is registered by the app but the library no longer exports it (exports: mover, stamp_renamed, trap, noop)");
  }, SLOW);

  test("a system's parameters changed: another component", async () => {
    await refused(
      v.moreComponents,
      `system mover changed its parameters from Query<(Write<Position>, Read<Velocity>)>, Res<Time> to Query<(Write<Position>, Read<Velocity>, Read<Stamp>)>, Res<Time>${restart}`,
    );
  }, SLOW);

  test("a system's parameters changed: write access became read", async () => {
    await refused(v.readOnly, `system stamp changed its parameters from Query<Write<Stamp>> to Query<Read<Stamp>>${restart}`);
  }, SLOW);

  test("a component layout that differs from the app's", async () => {
    const compiled = "Velocity{x:f32,y:f32,z:f32}";
    await refused(
      v.layout,
      new RegExp(
        literal(`component Velocity layout differs: the library was compiled against ${compiled} (hash `) +
          "[0-9a-f]{16}" +
          literal(`), the app has ${Velocity.layout.text} (hash ${Velocity.layout.hash}): if the library is the stale side, run \`hotloop codegen\` and rebuild; if Velocity was edited after the game started, restart it`),
      ),
    );
  }, SLOW);
});
