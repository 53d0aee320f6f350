/**
 * A config key that points a generated file at the game's own source, or outside the project,
 * costs nothing: one line naming the key, and the file as it was. (Found with `"names":
 * "src/game.ts"`, which replaced the game's source with the generated names module.)
 */
import { afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeNames } from "../../src/dev/build.ts";
import { codegen } from "../../src/dev/codegen.ts";
import { loadProject, ProjectError } from "../../src/dev/project.ts";

const API = resolve(import.meta.dir, "../../src/api/index.ts");
let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A TypeScript-only project (no crate) with the given hotloop config and a game source of its own. */
function project(config: Record<string, unknown>): string {
  dir = mkdtempSync(join(tmpdir(), "hotloop-generated-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "g", hotloop: config }));
  writeFileSync(join(dir, "src/game.ts"), "export default function game() {}\n// the game's own code\n");
  writeFileSync(join(dir, "src/components.ts"), `import { defineComponent } from ${JSON.stringify(API)};\nexport const P = defineComponent("P", { x: "f32" });\n`);
  return dir;
}

async function thrown(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProjectError);
    return (e as Error).message;
  }
  throw new Error("nothing was thrown");
}

test("names pointing at the game's source: refused, the source kept", async () => {
  const root = project({ names: "src/game.ts" });
  const before = readFileSync(join(root, "src/game.ts"), "utf8");
  // No crate, so no library: the names module of "no library yet" is what would be written.
  const p = { ...(await loadProject(root)), library: () => join(root, "no-library.so") };
  expect(await thrown(() => writeNames(p, "debug"))).toBe(
    "hotloop.names: src/game.ts is not a file hotloop generated (no @generated mark near its top): not overwritten; point names at another file, or delete this one if it is yours to lose",
  );
  expect(readFileSync(join(root, "src/game.ts"), "utf8")).toBe(before);
});

test("a codegen target outside the project: refused, nothing written there", async () => {
  const root = project({ codegen: [{ components: "src/components.ts", out: "../outside-victim.rs" }] });
  const victim = resolve(root, "../outside-victim.rs");
  const p = await loadProject(root);
  expect(await thrown(() => codegen(p))).toBe(`hotloop.codegen[].out: ${victim} is outside the project (${root}): generated files are written only inside it; nothing was written`);
  expect(() => readFileSync(victim)).toThrow();
});

test("a generated file is written, and written again over its own mark", async () => {
  const root = project({ codegen: [{ components: "src/components.ts", out: "gen/components.rs" }] });
  mkdirSync(join(root, "gen"));
  const p = await loadProject(root);
  expect((await codegen(p)).changed).toEqual(["gen/components.rs"]);
  const generated = readFileSync(join(root, "gen/components.rs"), "utf8");
  writeFileSync(join(root, "gen/components.rs"), generated + "// a stray edit\n");
  expect((await codegen(p)).changed).toEqual(["gen/components.rs"]);
  expect(readFileSync(join(root, "gen/components.rs"), "utf8")).toBe(generated);
});
