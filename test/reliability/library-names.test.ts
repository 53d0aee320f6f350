/**
 * System names are the library's to choose: a system named `__proto__` binds and runs like any
 * other (names are never property keys of a plain object), and a library with no systems at all
 * (only its load hooks, or emptied while the game runs) loads.
 */
import { afterEach, expect, test } from "bun:test";
import { spawn } from "../../src/ecs/index.ts";
import { Stamp } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";
import { hotApp, type HotApp } from "../support/hot-app.ts";

let fixture: Fixture | undefined;
let h: HotApp | undefined;
afterEach(() => {
  h?.app.shutdown();
  fixture?.cleanup();
  h = fixture = undefined;
});

test("a system named __proto__ binds and runs", async () => {
  fixture = new Fixture();
  fixture.edit("/// Panics when an armed Trap exists.", "/// Named like the prototype of a JavaScript object.\npub fn __proto__(mut q: Query<Write<Stamp>>) {\n    for s in q.iter_mut() {\n        *s.value = 77;\n    }\n}\n\n/// Panics when an armed Trap exists.");
  fixture.edit("    systems: [mover, stamp,", "    systems: [__proto__, mover, stamp,");
  await fixture.build();
  h = await hotApp(fixture, ["__proto__"]);
  const e = spawn(h.app.world, Stamp);
  await h.until(() => Stamp.value[e] === 77, 50, "__proto__ running");
}, 240_000);

test("a library with no systems loads: version 1, nothing refused", async () => {
  fixture = new Fixture();
  fixture.edit(/systems: \[[^\]]*\],/, "systems: [],");
  await fixture.build();
  h = await hotApp(fixture, []);
  expect(h.reloader.version).toBe(1);
  expect(h.events.filter((e) => e.type === "reload" && e.status === "refused")).toEqual([]);
}, 240_000);
