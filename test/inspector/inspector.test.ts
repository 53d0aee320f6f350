/**
 * The inspector as a user opens it: `hotloop dev --features reload --headless --inspect` on a copy
 * of the example (its crate a fixture copy, built by cargo), the address it prints opened in a real
 * browser (Debian's chromium, driven by puppeteer-core). The page lists the entities, follows the
 * player as the key script moves it, moves it when a value is typed, shows a Rust edit as a new
 * row of the reload history with its timing and a build error with the compiler's line, and the
 * server refuses a request without the token or from another origin.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { COINS } from "../../examples/bevy-like/src/gameplay.ts";
import type { Subprocess } from "bun";
import { EXAMPLE_CRATE, REPO, writeExampleProject } from "../support/example.ts";
import { Fixture, FIXTURE_TARGET_DIR } from "../support/fixture.ts";

const SLOW = 300_000;
const CHROMIUM = Bun.which("chromium") ?? Bun.which("chromium-browser") ?? Bun.which("google-chrome");
if (!CHROMIUM && process.env.CI === "true") throw new Error("inspector.test.ts: no chromium to drive the page (apt-get install chromium); CI=true skips nothing");
if (!CHROMIUM) console.error("inspector tests skipped: no chromium on PATH (apt-get install chromium)");

describe.skipIf(!CHROMIUM)("hotloop dev --inspect, in a real browser", () => {
  let crate: Fixture;
  let dir: string;
  let dev: Subprocess<"ignore", "pipe", "pipe">;
  let browser: Browser;
  let page: Page;
  let url: string;
  let stdout = "";
  let stderr = "";

  /** Waits (up to 60 s) for `done`, with what the game printed when it does not come. */
  const until = async (done: () => boolean | Promise<boolean>, what: string) => {
    for (let i = 0; i < 3000; i++) {
      if (await done()) return;
      await Bun.sleep(20);
    }
    throw new Error(`no ${what}; the game said:\n${stderr.slice(-3000)}\n${stdout.slice(-1000)}`);
  };
  /** The page's text of an element, or undefined. */
  const text = (selector: string) => page.$eval(selector, (e) => e.textContent ?? "").catch(() => undefined);
  const inputValue = (selector: string) => page.$eval(selector, (e) => (e as unknown as { value: string }).value).catch(() => undefined);

  beforeAll(async () => {
    crate = new Fixture(EXAMPLE_CRATE);
    await crate.build(); // compiled once here: dev's first build is then fresh
    dir = mkdtempSync(join(tmpdir(), "hotloop-inspect-"));
    writeExampleProject(dir, crate.dir, "inspected");
    cpSync(join(REPO, "examples/bevy-like/demo-keys.txt"), join(dir, "demo-keys.txt"));
    dev = Bun.spawn([process.execPath, join(REPO, "src/cli/main.ts"), "dev", "--features", "reload", "--headless", "--inspect", "--script", "demo-keys.txt"], {
      cwd: dir,
      env: { ...process.env, CARGO_TARGET_DIR: FIXTURE_TARGET_DIR, DISPLAY: "" },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const decoder = new TextDecoder();
    void (async () => {
      for await (const chunk of dev.stdout) stdout += decoder.decode(chunk, { stream: true });
    })();
    void (async () => {
      for await (const chunk of dev.stderr) stderr += decoder.decode(chunk, { stream: true });
    })();
    await until(() => /inspector at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32})/.test(stderr), "inspector address");
    url = /inspector at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32})/.exec(stderr)![1]!;
    browser = await puppeteer.launch({ executablePath: CHROMIUM!, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(url);
  }, SLOW);

  afterAll(async () => {
    await browser?.close();
    dev?.kill("SIGINT");
    await dev?.exited;
    crate?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the page lists the example's entities, and follows the player as the game runs", async () => {
    await until(async () => (await page.$$("#entities tr[data-entity]")).length === COINS + 1, `${COINS + 1} entity rows (the player and the coins)`);
    await until(async () => (await text("#status")) === "live", "a live connection");
    // Every system with where its code comes from, its status and its times.
    await until(async () => (await page.$$("#systems tr[data-system]")).length >= 8, "the systems");
    expect(await text('#systems tr[data-system="Update/respawn_coins"]')).toMatch(/^respawn_coinsrunningsrc\/gameplay\.ts:\d+ \(game v1\)[\d.]+[\d.]+[\d.]+$/);
    expect(await text('#systems tr[data-system="FixedUpdate/player_movement"]')).toMatch(/^rsplayer_movementrunninglib\w+\.so v1[\d.]+[\d.]+[\d.]+$/);
    // Only the player: a click on its component keeps the entities that have it.
    await page.click('#filters .chip[data-component="Player"]');
    await until(async () => (await page.$$("#entities tr[data-entity]")).length === 1, "the player's row alone");
    const x = async () => Number(await inputValue('#entities tr[data-entity="1"] input[data-field="Position.x"]'));
    const first = await x();
    await until(async () => Math.abs((await x()) - first) > 20, "the player moving in the page (the key script holds RIGHT)");
  }, SLOW);

  test("a value typed in the page moves the player in the game", async () => {
    const field = '#entities tr[data-entity="1"] input[data-field="Position.y"]';
    await page.click(field, { count: 3 });
    await page.keyboard.type("123");
    await page.keyboard.press("Enter");
    await until(async () => (await text("#notices")) === "set Position.y of entity 1 to 123", "the edit's notice");
    // Two more frames from the game: the input (no longer focused) shows the game's value, not what was typed.
    const frame = Number(await text("#frame"));
    await until(async () => Number(await text("#frame")) >= frame + 2, "two more frames");
    // The page shows the game's own value again (the input is no longer focused): where the edit put it,
    // give or take one frame of movement at 220 px/s.
    await until(async () => Math.abs(Number(await inputValue(field)) - 123) < 4, "the player at y = 123 in the game");
    // A value out of its type's range is refused with a message, and nothing changes.
    await page.$eval('#filters .chip[data-component="Player"]', (e) => (e as unknown as { click(): void }).click()); // with → without
    await page.$eval('#filters .chip[data-component="Player"]', (e) => (e as unknown as { click(): void }).click()); // without → any
    await until(async () => (await page.$$("#entities tr[data-entity]")).length === COINS + 1, "all rows again");
    const colour = '#entities tr[data-entity="2"] input[data-field="Appearance.color"]';
    const before = await inputValue(colour);
    await page.click(colour, { count: 3 });
    await page.keyboard.type("-1");
    await page.keyboard.press("Enter");
    await until(async () => (await text("#notices"))?.startsWith("not set: Appearance.color of entity 2: -1 is out of u32's range") === true, "the refusal");
    expect(await inputValue(colour)).toBe(before);
  }, SLOW);

  test("a Rust edit is a new row of the reload history with its timing; a build error shows the compiler's line", async () => {
    const rows = async () => (await page.$$("#history li")).length;
    const before = await rows();
    const file = join(crate.dir, "src/player.rs");
    const source = readFileSync(file, "utf8");
    writeFileSync(file, source.replace("const SPEED: f32 = 220.0;", "const SPEED: f32 = 330.0;"));
    await until(async () => (await page.$$('#history li[data-kind="reload"][data-status="ok"]')).length > 0, "a reload row");
    const reload = (await text('#history li[data-kind="reload"][data-status="ok"]'))!;
    expect(reload).toMatch(/reload ok reloaded lib\w+\.so → v2 in [\d.]+ m?s \(.*\) \([\d.]+ ms\)$/);
    expect(await rows()).toBeGreaterThan(before);
    await until(async () => (await text('#systems tr[data-system="FixedUpdate/player_movement"]'))?.includes(".so v2") === true, "player_movement on v2 in the systems");
    // Newest first: the reload is above the build that made it.
    const kinds = await page.$$eval("#history li", (items) => items.slice(0, 3).map((li) => { const { dataset } = li as unknown as { dataset: Record<string, string> }; return `${dataset.kind} ${dataset.status}`; }));
    expect(kinds.indexOf("reload ok")).toBeLessThan(kinds.indexOf("build finished"));
    writeFileSync(file, source.replace("const SPEED: f32 = 220.0;", "const SPEED: f32 = 220.0"));
    await until(async () => (await page.$$('#history li[data-kind="build"][data-status="failed"]')).length > 0, "a failed build row");
    expect(await text('#history li[data-kind="build"][data-status="failed"]')).toMatch(/src\/player\.rs:\d+:\d+: error/);
    writeFileSync(file, source);
  }, SLOW);

  test("what a page sends is checked: malformed messages are ignored, hotloop's own resources are never written", async () => {
    const { origin, searchParams } = new URL(url);
    const socket = new WebSocket(`${origin.replace("http", "ws")}/ws?token=${searchParams.get("token")}`, { headers: { origin } } as never);
    const notices: string[] = [];
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; notices?: string[] };
      if (message.type === "frame") notices.push(...(message.notices ?? []));
      socket.send(JSON.stringify({ type: "ack" }));
    };
    await new Promise((opened) => (socket.onopen = opened));
    for (const bad of ["null", "42", '"set"', "[]", "{}", '{"type":"set"}', '{"type":"view","with":{"length":1e9}}']) socket.send(bad);
    socket.send(JSON.stringify({ type: "set", target: "resource", name: "Assets", field: "root", value: "/" }));
    socket.send(JSON.stringify({ type: "set", target: "resource", name: "Time", field: "delta", value: 1 }));
    socket.send(JSON.stringify({ type: "set", target: "resource", name: "Score", field: "constructor", value: 1 }));
    socket.send(JSON.stringify({ type: "set", target: "resource", name: "Score", field: "value", value: 7 }));
    await until(() => notices.length >= 4, "four notices");
    expect(notices).toEqual([
      "not set: Assets is hotloop's own (read-only)",
      "not set: Time is hotloop's own (read-only)",
      "not set: Score has no number field constructor",
      "set Score.value to 7",
    ]);
    socket.close();
    expect(dev.exitCode).toBeNull(); // the game runs on
    const frame = Number(await text("#frame"));
    await until(async () => Number(await text("#frame")) > frame, "frames still coming");
  }, SLOW);

  test("a request without the token, or a WebSocket from another origin, is refused", async () => {
    const { origin } = new URL(url);
    const token = new URL(url).searchParams.get("token")!;
    expect((await fetch(`${origin}/`)).status).toBe(403);
    expect((await fetch(`${origin}/?token=${"0".repeat(32)}`)).status).toBe(403);
    expect((await fetch(`${origin}/ws`)).status).toBe(403);
    const upgrade = { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" };
    expect((await fetch(`${origin}/ws?token=${token}`, { headers: { ...upgrade, origin: "http://evil.example" } })).status).toBe(403);
    expect((await fetch(`${origin}/ws?token=${token}`, { headers: { ...upgrade, origin } })).status).toBe(101);
  }, SLOW);
});
