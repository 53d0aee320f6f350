/**
 * `hotloop dev --timeline` driven from stdin, as a developer at a terminal (or a script) drives
 * it: the example game runs headless and live; `status`, `back 60`, `status` are answered at one
 * frame boundary (60 frames back, paused there), `resume` goes on live from that frame, a later
 * `status` is further on, `quit` ends the run with exit 0. With `--log-format json` the answers are
 * `{"type":"timeline"}` JSON lines. A game run in process with stdin left open still ends its
 * process once its frames ran (stdin is let go of at shutdown).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { Running } from "../support/running.ts";

const REPO = resolve(import.meta.dir, "../..");
const CLI = resolve(REPO, "src/cli/main.ts");
const SLOW = 300_000;
const ENV = { ...process.env, DISPLAY: "" };

/** The frame and mode of a readable answer: `hotloop: timeline: paused at frame 552 (step 589); …`. */
function answer(line: string): { mode: string; frame: number } {
  const m = /^hotloop: timeline: (live|paused) at frame (\d+) \(step \d+\); kept frames \d+–\d+ \([\d.]+ s, \d+ snapshots?, [\d.]+ [KM]iB of 256 MiB\)$/.exec(line);
  if (!m) throw new Error(`not a timeline answer: ${line}`);
  return { mode: m[1]!, frame: Number(m[2]) };
}

describe("hotloop dev --timeline, driven through stdin", () => {
  beforeAll(() => {
    const built = Bun.spawnSync([process.execPath, CLI, "build"], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
    expect(built.exitCode).toBe(0);
  }, SLOW);

  test("status, back 60, status, resume, status, quit: frames move back by 60, then on; exit 0, no error", async () => {
    const dev = new Running([process.execPath, CLI, "dev", "--headless", "--timeline"], REPO, ENV, "pipe");
    // The example reports every 60 frames on stdout: two reports, and two seconds are kept.
    await dev.waitFor(/^frame +120 /);
    const from = dev.lines.length;
    dev.write("status\nback 60\nstatus\n");
    const first = await dev.waitFor(/^hotloop: timeline: /, from);
    const second = await dev.waitFor(/^hotloop: timeline: /, first + 1);
    const third = await dev.waitFor(/^hotloop: timeline: /, second + 1);
    const [live, back, paused] = [first, second, third].map((i) => answer(dev.lines[i]!));
    expect(live!.mode).toBe("live");
    // Carried out at one frame boundary, in order: exactly 60 frames back, and staying there.
    expect(back).toEqual({ mode: "paused", frame: live!.frame - 60 });
    expect(paused).toEqual(back!);

    dev.write("resume\n");
    const resumed = answer(dev.lines[await dev.waitFor(/^hotloop: timeline: /, third + 1)]!);
    expect(resumed).toEqual({ mode: "live", frame: back!.frame });
    // Live again: the next report comes, and the frame is past where it resumed.
    const report = await dev.waitFor(/^frame +\d+ /, dev.lines.length);
    dev.write("status\n");
    const later = answer(dev.lines[await dev.waitFor(/^hotloop: timeline: /, report)]!);
    expect(later.mode).toBe("live");
    expect(later.frame).toBeGreaterThan(resumed.frame);

    dev.write("bogus\nquit\n");
    await dev.waitFor(/^hotloop: timeline: quitting at frame \d+$/);
    expect(await dev.proc.exited).toBe(0);
    const refused = dev.lines.filter((l) => l.startsWith("hotloop: timeline: unknown command"));
    expect(refused).toEqual(['hotloop: timeline: unknown command "bogus" (commands: pause, resume, step [n|Ns], back [n|Ns], seek <frame>, loop start|end|off, replay on|off|now, status, quit, help)']);
    // No error and no stack: every line is the game's report or hotloop's.
    expect(dev.lines.filter((l) => l !== "" && !/^(frame +\d+ |hotloop: )/.test(l))).toEqual([]);
    expect(dev.lines.filter((l) => /error|failed|    at /i.test(l))).toEqual([]);
  }, SLOW);

  test("--log-format json: each answer a timeline event on one line", async () => {
    const dev = new Running([process.execPath, CLI, "dev", "--headless", "--timeline", "--timeline-seconds", "2", "--log-format", "json"], REPO, ENV, "pipe");
    await dev.waitFor(/^frame +60 /);
    const from = dev.lines.length;
    dev.write("back 30\nseek 999999\nquit\n");
    await dev.waitFor(/"command":"quit"/, from);
    expect(await dev.proc.exited).toBe(0);
    const events = dev.lines.slice(from).filter((l) => l.includes('"type":"timeline"')).map((l) => JSON.parse(l));
    expect(events.map((e) => [e.command, e.status])).toEqual([
      ["back 30", "ok"],
      ["seek 999999", "refused"],
      ["quit", "ok"],
    ]);
    expect(events[0]).toMatchObject({ mode: "paused", replayOnSave: false, budgetBytes: 256 * 1024 * 1024, message: expect.stringMatching(/^paused at frame \d+ /) });
    expect(events[0].frame).toBe(events[0].last - 30);
    expect(events[1].message).toBe(`frame 999999 is after the newest recorded (${events[0].last})`);
    expect(events[1].frame).toBe(events[0].frame);
  }, SLOW);

  test("a game run in process with stdin left open ends its process once its frames ran", async () => {
    const child = Bun.spawn([process.execPath, resolve(REPO, "test/support/timeline-child.ts"), "30"], { cwd: REPO, stdin: "pipe", stdout: "pipe", stderr: "pipe", env: ENV });
    child.stdin.write("status\n");
    child.stdin.flush();
    // stdin stays open; the child must not wait for it. 60 s is far beyond a 30-frame run: a hang, not a pace.
    const ended = await Promise.race([child.exited.then(() => "exited"), Bun.sleep(60_000).then(() => "still running")]);
    if (ended !== "exited") child.kill();
    const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
    expect({ ended, code: child.exitCode, out: out.trim().split("\n").at(-1) }).toEqual({ ended: "exited", code: 0, out: "exit 0" });
    expect(err).toMatch(/^hotloop: timeline: live at frame \d+ /m);
    child.stdin.end();
  }, SLOW);
});
