/**
 * Every ```ts sample of README.md and of the guide's chapters (docs/*.md) typechecks as a game's
 * code: in a project laid out as the
 * starter's (its tsconfig.json, extended as it is, so its strict settings are the ones checked;
 * `hotloop` resolved through node_modules as an installed package is; the starter's
 * src/components.ts and a fresh src/systems.gen.ts beside the samples), by `bunx tsc`.
 *
 * A sample is a module of that project's src/. Two preludes let fragments read as a reader reads
 * them, without hiding a missing import in a whole module:
 * - the game's names, global and shadowed by any the sample declares or imports: the starter's
 *   components (`Position`, `Velocity`, `Player`, `Spark`) and `app`, an `App`;
 * - a sample without any `import` line (a fragment) gets one importing the `hotloop` exports it
 *   names and does not declare.
 * A sample that cannot typecheck by design (shell, output, Rust) is not fenced ```ts.
 *
 * One canary sample, broken on purpose (a field the component does not have), is checked in the
 * same run: the test fails if it is not reported, so a checker that checks nothing fails too.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { systemNamesModule } from "../../src/dev/codegen.ts";

const REPO = resolve(import.meta.dir, "../..");
const STARTER = join(REPO, "templates/starter");

/** The documents whose samples are checked: the README and the guide's chapters. */
const DOCUMENTS = ["README.md", ...readdirSync(join(REPO, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];

/** A ```ts block of a markdown file: the file, its code and the line its first code line is on. */
interface Sample {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

/** The ```ts blocks of a markdown text, in order; `file` names it in samples and errors. */
function tsSamples(markdown: string, file = "README.md"): Sample[] {
  const samples: Sample[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i]!)) continue;
    const end = lines.findIndex((l, n) => n > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${file}:${i + 1}: a \`\`\`ts block that is never closed`);
    samples.push({ file, line: i + 2, code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return samples;
}

/** The import line a fragment gets: the `hotloop` exports it names and does not declare itself. */
function fragmentImport(code: string, exports: readonly string[]): string {
  if (/^\s*import\s/m.test(code)) return "";
  const declared = (name: string) => new RegExp(`\\b(const|let|var|function|class)\\s+${name}\\b`).test(code);
  const used = exports.filter((name) => new RegExp(`\\b${name}\\b`).test(code) && !declared(name));
  return used.length ? `import { ${used.join(", ")} } from "hotloop";` : "";
}

/** The game's names every sample may use (global: a sample's own declaration or import shadows them). */
const GAME_PRELUDE = `import type { App } from "hotloop";
import type * as Components from "./components.ts";

declare global {
  /** The app a fragment adds to, as a plugin's \`app\`. */
  const app: App;
  const Position: typeof Components.Position;
  const Velocity: typeof Components.Velocity;
  const Player: typeof Components.Player;
  const Spark: typeof Components.Spark;
}
`;

/** Broken on purpose: \`z\` is not a field of Position. */
const CANARY: Sample = { file: "canary", line: 1, code: `import { createWorld, spawn } from "hotloop";\nspawn(createWorld(), [Position, { z: 1 }]);\n` };

interface Checked {
  /** `FILE:LINE:COL: error TS…: …` for each error in a sample (`docs/app.md:31:7: …`), in document order. */
  readonly errors: string[];
  readonly canary: string[];
}

/** Writes the project and the samples, runs `bunx tsc -p` on it, maps each error to its document's line. */
async function typecheck(samples: readonly Sample[], dir: string): Promise<Checked> {
  const src = join(dir, "src");
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  symlinkSync(REPO, join(dir, "node_modules/hotloop"));
  symlinkSync(join(REPO, "node_modules/@types/bun"), join(dir, "node_modules/@types/bun"));
  mkdirSync(src);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(STARTER, "tsconfig.json"), include: ["src"] }, null, 2));
  writeFileSync(join(src, "components.ts"), readFileSync(join(STARTER, "src/components.ts"), "utf8"));
  writeFileSync(join(src, "systems.gen.ts"), systemNamesModule(undefined));
  writeFileSync(join(src, "prelude.d.ts"), GAME_PRELUDE);
  const exports = Object.keys(await import("../../src/api/index.ts"));
  const files = new Map<string, { doc: string; line: number; shift: number }>();
  for (const sample of samples) {
    const head = fragmentImport(sample.code, exports);
    const file = `${sample.file.replace(/\.md$/, "").replaceAll(/[^\w]/g, "-")}-${sample.line}.ts`;
    writeFileSync(join(src, file), head ? `${head}\n${sample.code}\n` : `${sample.code}\n`);
    files.set(file, { doc: sample.file, line: sample.line, shift: head ? 1 : 0 });
  }
  writeFileSync(join(src, "canary.ts"), CANARY.code);

  const proc = Bun.spawn(["bun", "x", "tsc", "--noEmit", "--pretty", "false", "-p", join(dir, "tsconfig.json")], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const output = out + err;
  const errors: string[] = [];
  const canary: string[] = [];
  const shown = `${relative(REPO, src)}/`;
  for (const line of output.split("\n")) {
    if (!/^\S.*error TS\d+/.test(line)) continue; // a message's continuation lines are indented
    // tsc names files relative to its working directory, the repository.
    const m = line.startsWith(shown) ? /^([\w.-]+)\((\d+),(\d+)\): (error .*)$/.exec(line.slice(shown.length)) : null;
    const at = m && files.get(m[1]!);
    if (m?.[1] === "canary.ts") canary.push(m[4]!);
    else if (m && at) errors.push(`${at.doc}:${at.line + Number(m[2]) - 1 - at.shift}:${m[3]}: ${m[4]}`);
    // Anything else (the test's own files, hotloop's sources as a game sees them, a bad tsconfig) fails too.
    else errors.push(line);
  }
  if (canary.length === 0 && errors.length === 0) errors.push(`tsc exited ${proc.exitCode} and reported no error, not even the canary's: ${output}`);
  return { errors, canary };
}

describe("the samples of README.md and docs/*.md", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "hotloop-doc-samples-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("finds each ```ts block and the line it starts on", () => {
    expect(tsSamples("text\n```ts\nconst a = 1;\n```\n```rust\nfn f() {}\n```\n\n```ts\nlet b;\nlet c;\n```\n", "docs/x.md")).toEqual([
      { file: "docs/x.md", line: 3, code: "const a = 1;" },
      { file: "docs/x.md", line: 10, code: "let b;\nlet c;" },
    ]);
  });

  test("every ```ts sample typechecks in the starter (strict, noUncheckedIndexedAccess); fix the sample at the line named", async () => {
    const samples = DOCUMENTS.flatMap((doc) => tsSamples(readFileSync(join(REPO, doc), "utf8"), doc));
    // The README's game plugin and the chapters' samples are all found.
    expect(samples.some((s) => s.file === "README.md")).toBe(true);
    expect(new Set(samples.map((s) => s.file)).size).toBeGreaterThan(3);
    const checked = await typecheck(samples, dir);
    // The canary proves the check runs against the real types: a misspelt field is reported.
    expect(checked.canary.join("\n")).toContain("'z' does not exist in type");
    expect(checked.errors).toEqual([]);
  }, 120_000);
});
