/**
 * Issue 5, case 2: libraries whose manifest the app must refuse. Each bad library is a real cargo
 * build (test/support/variants.ts): the hot fixture edited, or a hand-written library
 * (test/fixtures/raw-library) for what the SDK never produces.
 */
import { describe, expect, test } from "bun:test";
import { HOTLOOP_ABI_VERSION } from "../../src/hot/manifest.ts";
import { Position, Stamp, Velocity } from "../fixtures/hot-fixture/components.ts";
import { refusedThenRecovers } from "./refusal.ts";
import { isUnscheduledNotice, literal, reliabilityFile, rig, SLOW, type Rig } from "./rig.ts";

const v = reliabilityFile("stamp1", "stamp2", "noExport", "badJson", "badShape", "otherAbi", "otherAbiLacking", "renamed", "moreComponents", "readOnly", "layout");
let r: Rig | undefined;

const refused = async (bad: Uint8Array, reason: string | RegExp) => void (r = await refusedThenRecovers(v, bad, reason));

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
    await refused(v.otherAbi, `SDK ABI version ${HOTLOOP_ABI_VERSION + 1} does not match the host's ${HOTLOOP_ABI_VERSION}: rebuild the library against this hotloop`);
  }, SLOW);

  test("an SDK ABI version that does not match, in a library whose exports differ too: the version is the reason given", async () => {
    await refused(v.otherAbiLacking, `SDK ABI version ${HOTLOOP_ABI_VERSION + 1} does not match the host's ${HOTLOOP_ABI_VERSION}: rebuild the library against this hotloop`);
  }, SLOW);
});

describe("what used to refuse a build now applies system by system: the rest of the build swaps in", () => {
  /** Starts on stamp 1 and publishes `build`; resolves once it runs as v2. */
  async function swapIn(build: Uint8Array, { moverUnchanged = true } = {}): Promise<Rig> {
    r = await rig(v.stamp1);
    const running = r;
    await running.frames(3);
    running.expectIntact();
    running.publish(build);
    await running.until(() => running.reloader.version === 2, 1500, "v2");
    await running.frames(5);
    if (moverUnchanged) running.expectIntact();
    expect(running.refusals()).toEqual([]);
    return running;
  }

  test("a system the app places, renamed in the library: it keeps its last good code alone, one line; the next build that has it takes it", async () => {
    const running = await swapIn(v.renamed);
    expect(running.lines()).toEqual([
      expect.stringMatching(/^hotloop: reloaded libhot_fixture\.so → v2 /),
      'hotloop: kept system stamp on v1: the library no longer exports it, and hotSystem("stamp") in TypeScript still places it (the rest of v2 runs)',
    ]);
    expect(running.lines(isUnscheduledNotice).at(-1)).toBe(
      'hotloop: system stamp_renamed is exported but not scheduled (place it in export! { FixedUpdate: [stamp_renamed] } or with hotSystem("stamp_renamed"))',
    );
    expect(running.reloader.systems().get("stamp")).toMatchObject({ version: 1, placement: undefined });
    expect(running.reloader.loadedPaths()).toHaveLength(2); // v1 stays loaded while stamp runs it
    running.publish(v.stamp2);
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    expect(running.reloader.systems().get("stamp")).toMatchObject({ version: 3, placement: undefined });
    running.expectIntact();
  }, SLOW);

  test("a system's query gains a component: the new signature runs from the next call", async () => {
    const running = await swapIn(v.moreComponents, { moverUnchanged: false });
    expect(running.lines()).toContain(
      "hotloop: system mover changed its signature from Query<(Write<Position>, Read<Velocity>)>, Res<Time> to Query<(Write<Position>, Read<Velocity>, Read<Stamp>)>, Res<Time>",
    );
    expect(running.reloader.systems().get("mover")?.version).toBe(2);
    // The new query also needs Stamp, which the moving entity lacks: it stops where v1 left it.
    const at = [Position.x[running.ids.moving], Position.y[running.ids.moving]];
    await running.frames(5);
    expect([Position.x[running.ids.moving], Position.y[running.ids.moving]]).toEqual(at);
    expect(at[0]).toBeGreaterThan(0);
  }, SLOW);

  test("write access became read: the new code runs with its new context (it no longer writes)", async () => {
    const running = await swapIn(v.readOnly);
    expect(running.lines()).toContain("hotloop: system stamp changed its signature from Query<Write<Stamp>> to Query<Read<Stamp>>");
    Stamp.value[running.ids.stamped] = 99;
    await running.frames(3);
    expect(running.stamp()).toBe(99);
  }, SLOW);

  test("a component layout that differs from the app's: that system keeps its code, the others swap in", async () => {
    const running = await swapIn(v.layout);
    const compiled = "Velocity{x:f32,y:f32,z:f32}";
    expect(running.lines().at(-1)).toMatch(
      new RegExp(
        literal(`hotloop: kept system mover on v1: component Velocity layout differs: the library was compiled against ${compiled} (hash `) +
          "[0-9a-f]{16}" +
          literal(`), the app has ${Velocity.layout.text} (hash ${Velocity.layout.hash}): if the library is the stale side, run \`hotloop codegen\` and rebuild; if Velocity was edited after the game started, restart it (the rest of v2 runs)`),
      ),
    );
    expect(running.stamp()).toBe(4); // the layout build's stamp runs
    expect(running.reloader.systems().get("mover")?.version).toBe(1);
  }, SLOW);
});
