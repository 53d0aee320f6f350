/**
 * Issue 24: a system whose `Local` is over the host's 1 MiB cap is refused alone, in one line that
 * names it and its Local; the other systems of its library load and run. Built for real from
 * test/fixtures/big-local: `innocent` writes STAMP into every Stamp, `big_one` (a 2 MiB `Local<Gun>`
 * until the test shrinks it) writes its call count into every Position's x.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "../../src/ecs/index.ts";
import { formatEvent } from "../../src/hot/index.ts";
import { inspectLibrary } from "../../src/hot/inspect.ts";
import { librarySystemProblems } from "../../src/hot/manifest.ts";
import { Position, Stamp } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";
import { hotApp, type HotApp } from "../support/hot-app.ts";
import { SLOW } from "./rig.ts";

const TOO_BIG = "system big_one takes Local<Gun>, which is 2.00 MiB; a Local is at most 1 MiB (keep big state in a resource or a component)";

let fixture: Fixture | undefined;
let h: HotApp | undefined;

afterEach(() => {
  h?.app.shutdown();
  h = undefined;
  fixture?.cleanup();
  fixture = undefined;
});

/** A copy of the big-local crate with the hot fixture's components (generated from components.ts). */
function bigLocalFixture(): Fixture {
  const made = new Fixture("test/fixtures/big-local");
  copyFileSync(join(import.meta.dir, "../fixtures/hot-fixture/src/components.rs"), made.path("src/components.rs"));
  return made;
}

describe("a Local over 1 MiB refuses its system, not its library", () => {
  test("the system is not added, with one line naming it and its Local; the innocent one runs; once the Local is small it is added and runs; grown again, it keeps its last good code", async () => {
    const f = (fixture = bigLocalFixture());
    await f.build();

    // What a build can say of it: the library is sound (its manifest reads), one system cannot run.
    expect(librarySystemProblems(inspectLibrary(f.library))).toEqual([TOO_BIG]);

    const running = (h = await hotApp(f, []));
    const lines = () => running.events.map(formatEvent);
    const id = spawn(running.app.world, [Position, { x: 0, y: 0 }], [Stamp, { value: 0 }]);
    await running.until(() => Stamp.value[id] === 1, 50, "innocent's stamp 1");
    for (let i = 0; i < 5; i++) await running.frame();
    // (at the first load, a system placed where the library says is not news: innocent gets no line)
    expect(lines()).toEqual([`hotloop: did not add system big_one to FixedUpdate after innocent: ${TOO_BIG}`]);
    expect(Position.x[id]).toBe(0); // big_one never ran
    expect(running.reloader.systems().get("big_one")).toBeUndefined();
    expect(running.reloader.systems().get("innocent")?.version).toBe(1);

    // The Local made small again: the next build adds big_one, and it runs.
    f.setConst("DEPTH", "1"); // 64 KiB
    f.setConst("STAMP", "2");
    await f.build();
    expect(librarySystemProblems(inspectLibrary(f.library))).toEqual([]);
    await running.until(() => running.reloader.version === 2 && Stamp.value[id] === 2, 1500, "v2");
    await running.until(() => Position.x[id]! >= 3, 10, "big_one's third call");
    expect(lines().slice(1)).toEqual([expect.stringMatching(/^hotloop: reloaded lib\w+\.so → v2 /), "hotloop: added system big_one to FixedUpdate after innocent"]);
    expect(running.reloader.systems().get("big_one")?.version).toBe(2);

    // Grown again after it ran: it keeps v2's code (and its Local), the rest of v3 swaps in.
    f.setConst("DEPTH", "32"); // 2 MiB
    f.setConst("STAMP", "3");
    await f.build();
    await running.until(() => running.reloader.version === 3 && Stamp.value[id] === 3, 1500, "v3");
    const calls = Position.x[id]!;
    for (let i = 0; i < 3; i++) await running.frame();
    expect(Position.x[id]).toBe(calls + 3); // still counting, on v2's code
    expect(lines().slice(3)).toEqual([expect.stringMatching(/^hotloop: reloaded lib\w+\.so → v3 /), `hotloop: kept system big_one on v2: ${TOO_BIG} (the rest of v3 runs)`]);
    expect(running.reloader.systems().get("big_one")?.version).toBe(2);
    expect(running.reloader.systems().get("innocent")?.version).toBe(3);
  }, SLOW);
});
