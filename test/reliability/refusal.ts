/** The four checks every refused input gets (issue 5), shared by the library-file and manifest tests. */
import { expect } from "bun:test";
import { literal, rig, type Rig } from "./rig.ts";

/**
 * With `r` running its first build (stamp 1, v1): `bad()` makes the bad input, then asserts
 * (1) exactly one line, `hotloop: refused <build output>: <reason> (still running v1)`, which stays
 *     the only one while the game keeps running;
 * (2) the game keeps running the last good code: stamp 1, version 1;
 * (3) no component data changed: the scene is what the good code made of it;
 * (4) the next good build (`good`, stamp `goodStamp`) loads: stamp changes, version 2.
 */
export async function expectRefusedThenRecovers(r: Rig, bad: () => void, reason: string | RegExp, good: Uint8Array, goodStamp: number): Promise<void> {
  await r.frames(3);
  r.expectIntact();
  bad();
  await r.until(() => r.refusals().length > 0, 1500, "a refusal");
  const pattern = new RegExp(`^hotloop: refused ${literal(r.library)}: ${typeof reason === "string" ? literal(reason) : reason.source} \\(still running v1\\)$`);
  expect(r.refusals()[0]).toMatch(pattern);
  await r.frames(20);
  expect(r.refusals()).toHaveLength(1);
  expect(r.reloader.version).toBe(1);
  expect(r.stamp()).toBe(1);
  r.expectIntact();
  r.publish(good);
  await r.until(() => r.stamp() === goodStamp, 1500, `stamp ${goodStamp}`);
  expect(r.reloader.version).toBe(2);
  r.expectIntact();
  expect(r.refusals()).toHaveLength(1);
}

/**
 * The usual refusal test: a rig on `good1` (stamp 1) publishes `bad`, which must be refused for
 * `reason`; then `good2` (stamp 2) loads. Returns the rig (the caller's afterEach cleans it up).
 */
export async function refusedThenRecovers(builds: { readonly stamp1: Uint8Array; readonly stamp2: Uint8Array }, bad: Uint8Array, reason: string | RegExp): Promise<Rig> {
  const running = await rig(builds.stamp1);
  await expectRefusedThenRecovers(running, () => running.publish(bad), reason, builds.stamp2, 2);
  return running;
}
