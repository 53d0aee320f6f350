/**
 * The timeline's words: `hotloop dev`'s flags (--timeline, --timeline-seconds, --timeline-budget,
 * --snapshot-every, --replay-on-save, --seed) into GameOptions, a bad value refused in one line
 * (in process, and through the CLI with exit 2, `hotloop static` too); and the lines typed on
 * stdin into commands, a line that is none answered with the commands there are.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, UsageError } from "../../src/cli/args.ts";
import { GAME_FLAGS, gameOptions } from "../../src/cli/game-args.ts";
import type { GameOptions } from "../../src/dev/game.ts";
import { loadProject, type Project } from "../../src/dev/project.ts";
import { commandText, describeStatus, parseTimelineCommand, TimelineCommandError } from "../../src/dev/timeline-commands.ts";

const CLI = resolve(import.meta.dir, "../../src/cli/main.ts");

describe("timeline flags", () => {
  let dir: string;
  let project: Project;
  beforeAll(async () => {
    // A project with no crate: loading it runs no cargo.
    dir = mkdtempSync(join(tmpdir(), "hotloop-timeline-args-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "flags", type: "module", hotloop: { entry: "game.ts" } }));
    project = await loadProject(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const options = (argv: string[]): GameOptions => gameOptions(parseArgs(["--headless", ...argv], GAME_FLAGS), project, "debug", false, () => {});
  const refusal = (argv: string[]): string => {
    try {
      options(argv);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error(`accepted: ${argv.join(" ")}`);
  };

  test("no flag: no timeline, the App's own seed", () => {
    const o = options([]);
    expect(o.timeline).toBeUndefined();
    expect(o.seed).toBeUndefined();
    expect(o.checkDeterminism).toBe(false);
    expect(options(["--check-determinism"]).checkDeterminism).toBe(true);
  });

  test("--timeline and its options, into GameOptions.timeline; any of them turns it on", () => {
    expect(options(["--timeline"]).timeline).toEqual({ replayOnSave: false });
    expect(options(["--timeline", "--timeline-seconds", "30", "--timeline-budget=64", "--snapshot-every", "8"]).timeline).toEqual({ seconds: 30, budgetMiB: 64, snapshotEvery: 8, replayOnSave: false });
    expect(options(["--replay-on-save"]).timeline).toEqual({ replayOnSave: true });
    expect(options(["--timeline-seconds", "2.5"]).timeline).toEqual({ seconds: 2.5, replayOnSave: false });
    expect(options(["--seed", "42"]).seed).toBe(42);
    expect(options(["--seed", "0"]).seed).toBe(0);
  });

  test("a bad value is one line naming the flag and the value", () => {
    expect(refusal(["--timeline-seconds", "0"])).toBe('--timeline-seconds needs a number of seconds above 0, got "0"');
    expect(refusal(["--timeline-budget", "0"])).toBe('--timeline-budget needs a number of MiB above 0, got "0"');
    expect(refusal(["--snapshot-every", "2.5"])).toBe('--snapshot-every needs a whole number of fixed steps, got "2.5"');
    expect(refusal(["--snapshot-every", "0"])).toBe('--snapshot-every needs a whole number of fixed steps above 0, got "0"');
    expect(refusal(["--seed", "1.5"])).toBe('--seed needs a whole number (up to 2^53 - 1), got "1.5"');
    expect(() => parseArgs(["--timeline-seconds", "ten"], GAME_FLAGS)).toThrow('--timeline-seconds needs a non-negative number, got "ten"');
    expect(() => parseArgs(["--timeline=yes"], GAME_FLAGS)).toThrow("--timeline takes no value");
  });

  test("through the CLI: one line on stderr and exit 2, for dev and for static", async () => {
    const run = async (argv: string[]) => {
      const proc = Bun.spawn([process.execPath, CLI, ...argv], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, DISPLAY: "" } });
      const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
      return { code, err };
    };
    expect(await run(["dev", "--snapshot-every", "0"])).toEqual({ code: 2, err: 'hotloop dev: --snapshot-every needs a whole number of fixed steps above 0, got "0" (see hotloop dev --help)\n' });
    expect(await run(["static", "--timeline"])).toEqual({ code: 2, err: "hotloop static: --timeline is for hotloop dev (static runs what a release packs, as a player runs it) (see hotloop static --help)\n" });
    const help = Bun.spawnSync([process.execPath, CLI, "dev", "--help"], { stdout: "pipe" });
    expect(help.stdout.toString()).toContain("--timeline-budget MIB");
  }, 60_000);
});

describe("timeline commands typed on stdin", () => {
  const parse = (line: string) => parseTimelineCommand(line);
  const refusal = (line: string): string => {
    try {
      parse(line);
    } catch (e) {
      expect(e).toBeInstanceOf(TimelineCommandError);
      return (e as Error).message;
    }
    throw new Error(`accepted: ${line}`);
  };

  test("each command and its arguments", () => {
    expect(parse("pause")).toEqual({ kind: "pause" });
    expect(parse("  Resume \r")).toEqual({ kind: "resume" });
    expect(parse("")).toBeUndefined();
    expect(parse("step")).toEqual({ kind: "step", frames: 1 });
    expect(parse("step 5")).toEqual({ kind: "step", frames: 5 });
    expect(parse("back 60")).toEqual({ kind: "back", frames: 60 });
    expect(parse("back 2s")).toEqual({ kind: "back", seconds: 2 });
    expect(parse("back 0.5s")).toEqual({ kind: "back", seconds: 0.5 });
    expect(parse("seek 0")).toEqual({ kind: "seek", frame: 0 });
    expect(parse("loop start")).toEqual({ kind: "loop", what: "start" });
    expect(parse("loop off")).toEqual({ kind: "loop", what: "off" });
    expect(parse("replay now")).toEqual({ kind: "replay", what: "now" });
    expect(parse("quit")).toEqual({ kind: "quit" });
    for (const line of ["back 60", "back 2s", "step 3", "seek 7", "loop end", "replay on", "status"]) expect(commandText(parse(line)!)).toBe(line);
  });

  test("a line that is not a command is one line saying what is", () => {
    expect(refusal("rewind")).toBe('unknown command "rewind" (commands: pause, resume, step [n|Ns], back [n|Ns], seek <frame>, loop start|end|off, replay on|off|now, status, quit, help)');
    expect(refusal("back -3")).toBe('"back -3": back takes a number of frames (1 or more) or of seconds ("2s")');
    expect(refusal("back 0")).toBe('"back 0": back takes a number of frames (1 or more) or of seconds ("2s")');
    expect(refusal("back 0s")).toBe('"back 0s": the seconds must be more than 0');
    expect(refusal("seek")).toBe('"seek": which frame? (seek <frame>; status says which are kept)');
    expect(refusal("loop around")).toBe('"loop around": loop start, loop end or loop off');
    expect(refusal("pause now")).toBe('"pause now": pause takes no argument');
    expect(refusal("step 1 2")).toStartWith('"step 1 2": one argument at most');
  });

  test("where the timeline stands, as one line", () => {
    const status = { mode: "paused", first: 31, last: 612, cursor: 612, step: 650, seconds: 9.1, snapshots: 38, bytes: 61.2 * 1024 * 1024, budgetBytes: 256 * 1024 * 1024, replayOnSave: false } as const;
    expect(describeStatus(status)).toBe("paused at frame 612 (step 650); kept frames 31–612 (9.1 s, 38 snapshots, 61.2 MiB of 256 MiB)");
    expect(describeStatus({ ...status, mode: "looping", cursor: 50, loop: { start: 40, end: 70 }, bytes: 20_000, replayOnSave: true })).toBe(
      "looping frames 40–70, at frame 50 (step 650); kept frames 31–612 (9.1 s, 38 snapshots, 20 KiB of 256 MiB); replay on save",
    );
    expect(describeStatus({ ...status, loop: { start: 40, end: undefined } })).toEndWith("; loop from frame 40 (end not marked)");
  });
});
