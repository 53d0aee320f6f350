/**
 * Issue 5, case 6: the soak, shortened for the suite (`bun run soak --reloads 100000` for the long one).
 * runSoak throws at the first frame whose hot calls saw two libraries, or a library other than
 * the one the reloader calls current, and at any refusal or warning; RSS growth is printed, not
 * asserted (timings and memory figures never go in tests).
 */
import { afterAll, expect, test } from "bun:test";
import { runSoak } from "../../scripts/soak.ts";
import { removeBuilders } from "../support/variants.ts";
import { SLOW } from "./rig.ts";

afterAll(removeBuilders);

test("150 reloads while hot systems run every frame: each reported once, seen by the hot code, half watched and half requested; nothing stale left", async () => {
  const result = await runSoak({ reloads: 150 });
  console.log(
    `soak (test): ${result.reloadsReported} reloads reported (${result.viaWatcher} watched, ${result.viaRequest} requested), ${result.frames} frames, ` +
      `RSS growth ${result.rssGrowthMb.toFixed(1)} MB, ${result.staleMappings} stale mappings, ${result.shadowFilesLeft} files left, ${(result.ms / 1000).toFixed(1)} s`,
  );
  // What the reloader reported and the hot code showed, not the loop's own bound (published builds, the swap counter).
  expect(result.reloadsReported).toBe(150);
  expect(result.version).toBe(151);
  expect(result.stampChanges).toBe(150);
  // Odd builds are left to the file watcher, even ones requested mid-frame: each path staged its half.
  expect([result.viaWatcher, result.viaRequest]).toEqual([75, 75]);
  expect(result.staleMappings).toBe(0);
  expect(result.shadowFilesLeft).toBe(0);
}, SLOW);

test("2,100 reloads, a swap every frame (past the old abort at about 1,000 loads): no key, fd, mapping, file or dir left", async () => {
  const result = await runSoak({ reloads: 2100, mode: "every-frame" });
  console.log(`soak (test, every frame): ${result.reloadsReported} reloads reported, RSS growth ${result.rssGrowthMb.toFixed(1)} MB after warm-up, ${(result.ms / 1000).toFixed(1)} s`);
  expect(result.reloadsReported).toBe(2100);
  expect(result.version).toBe(2101);
  expect(result.stampChanges).toBe(2100);
  expect([result.viaWatcher, result.viaRequest]).toEqual([0, 2100]); // manual mode: the watcher only says a build is ready
  expect(result.keyGrowth).toBe(0);
  expect(result.fdGrowth).toBeLessThanOrEqual(0);
  expect(result.staleMappings).toBe(0);
  expect(result.shadowFilesLeft).toBe(0);
  expect(result.shadowDirsLeft).toBe(0);
}, SLOW);
