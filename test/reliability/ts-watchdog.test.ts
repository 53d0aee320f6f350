/**
 * A frozen TypeScript system under `hotloop dev --features reload` in a project without a Rust
 * crate: the watchdog (a thread of its own, made for the TypeScript game layer too) names it, and
 * Ctrl-C ends the frozen game, which a JavaScript handler of the signal (the game's, or hotloop's
 * own cleanup) could never do.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const REPO = resolve(import.meta.dir, "../..");
const CLI = join(REPO, "src/cli/main.ts");
const API = join(REPO, "src/api/index.ts");
let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A TypeScript-only project whose one system runs `body` at its 20th frame, under `hotloop dev --features reload`. */
function devGame(body: string) {
  root = mkdtempSync(join(tmpdir(), "hotloop-ts-watchdog-"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "frozen", hotloop: { components: [] } }));
  writeFileSync(
    join(root, "src/game.ts"),
    `import { Update, type App } from ${JSON.stringify(API)};
export default function game(app: App) {
  // A game that saves on Ctrl-C: its handler is JavaScript, which a frozen thread never runs.
  process.on("SIGINT", () => { console.log("saved"); process.exit(0); });
  let frames = 0;
  app.addSystems(Update, function freeze() {
    if (++frames === 20) { ${body} }
  });
}
`,
  );
  const proc = Bun.spawn([process.execPath, CLI, "dev", "--features", "reload", "--headless"], { cwd: root, env: { ...process.env, DISPLAY: "" }, stdout: "pipe", stderr: "pipe" });
  const out = { err: "" };
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) out.err += decoder.decode(chunk, { stream: true });
  })();
  return { proc, out, reading };
}

const FROZEN = /^hotloop: warning: watchdog: TypeScript system freeze \(Update\) has not returned after \d+ ms \(budget 1000 ms\): TypeScript cannot be stopped from outside, the game is frozen \(Ctrl-C ends it\)$/m;

test("a TypeScript system that never returns is named by the watchdog, and Ctrl-C ends the frozen game", async () => {
  const { proc, out, reading } = devGame("for (;;) {}");
  try {
    for (let i = 0; i < 1000 && !out.err.includes("the game is frozen"); i++) await Bun.sleep(10);
    expect(out.err).toMatch(FROZEN);
    proc.kill("SIGINT");
    const ended = await Promise.race([proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
    expect({ ended, signal: proc.signalCode }).toEqual({ ended: true, signal: "SIGINT" });
  } finally {
    proc.kill("SIGKILL");
    await reading;
  }
}, 60_000);

test("once the frame ends, the game's own Ctrl-C handler is back", async () => {
  const { proc, out, reading } = devGame("const until = performance.now() + 1600; while (performance.now() < until) {} console.log('thawed');");
  try {
    const stdout = proc.stdout.getReader();
    let text = "";
    while (!text.includes("thawed")) {
      const { value, done } = await stdout.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(out.err).toMatch(FROZEN);
    await Bun.sleep(1000); // frames run again, and the watchdog has looked (every 250 ms)
    proc.kill("SIGINT");
    const code = await proc.exited;
    for (;;) {
      const { value, done } = await stdout.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect({ code, saved: text.includes("saved") }).toEqual({ code: 0, saved: true });
  } finally {
    proc.kill("SIGKILL");
    await reading;
  }
}, 60_000);
