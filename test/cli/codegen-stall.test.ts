/**
 * A components module whose top-level await never settles, under the dev runner's codegen (a fresh
 * bun process): stopped after its time with one line naming the module, and never left running,
 * also when hotloop itself is ended with Ctrl-C while codegen waits.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshCodegen } from "../../src/dev/codegen.ts";
import { loadProject } from "../../src/dev/project.ts";

const API = join(import.meta.dir, "../../src/api/index.ts");
let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function project(components: string): string {
  root = mkdtempSync(join(tmpdir(), "hotloop-codegen-stall-"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "stall", hotloop: { codegen: [{ components: "src/components.ts", out: "gen/components.rs" }] } }));
  writeFileSync(join(root, "src/components.ts"), components);
  return root;
}

const GOOD = `import { defineComponent } from ${JSON.stringify(API)};\nexport const Velocity = defineComponent("Velocity", { x: "f32" });\n`;
const STALLED = `await new Promise(() => {});\n${GOOD}`;

/** Pids of codegen children running in `dir` (their cwd). */
function codegenChildren(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== dir) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes("codegen")) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await Bun.sleep(10);
  if (!done()) throw new Error(`not reached: ${what}`);
}

test("codegen stuck on a top-level await is stopped after its time with one line; the fixed module generates", async () => {
  const dir = project(STALLED);
  const p = await loadProject(dir);
  const error = await freshCodegen(p, 1500).then(
    () => undefined,
    (e: Error) => e.message,
  );
  expect(error).toBe("src/components.ts: codegen has not finished after 1.5 s (a top-level await that never settles?): stopped it; the game keeps its code, and the next save runs it again");
  await until(() => codegenChildren(dir).length === 0, "the codegen child gone");
  writeFileSync(join(dir, "src/components.ts"), GOOD);
  expect((await freshCodegen(p, 10_000)).changed).toEqual(["gen/components.rs"]);
}, 30_000);

test("Ctrl-C while codegen waits on a stalled module leaves no codegen process behind", async () => {
  const dir = project(STALLED);
  const script = `import { freshCodegen } from ${JSON.stringify(join(import.meta.dir, "../../src/dev/codegen.ts"))};
import { loadProject } from ${JSON.stringify(join(import.meta.dir, "../../src/dev/project.ts"))};
await freshCodegen(await loadProject(${JSON.stringify(dir)}), 600_000);`;
  writeFileSync(join(dir, "runner.ts"), script);
  const runner = Bun.spawn([process.execPath, join(dir, "runner.ts")], { cwd: tmpdir(), stdout: "ignore", stderr: "pipe" });
  try {
    await until(() => codegenChildren(dir).length === 1, "a codegen child running");
    runner.kill("SIGINT"); // only hotloop's own process, as `kill -INT` does
    expect(await runner.exited).toBe(130);
    await until(() => codegenChildren(dir).length === 0, "the codegen child killed with hotloop");
  } finally {
    runner.kill("SIGKILL");
    for (const pid of codegenChildren(dir)) process.kill(pid, "SIGKILL");
  }
}, 30_000);
