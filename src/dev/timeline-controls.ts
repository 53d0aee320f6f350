/**
 * The timeline under `hotloop dev --timeline`, driven from the terminal: each line typed on stdin
 * (`pause`, `back 60`, `back 2s`, `seek 400`, `loop start`, `replay now`, `status`, …; `help`
 * lists them) is carried out at the next frame boundary through {@link Timeline.enqueue} and
 * answered with one line on stderr: readable, or a `{"type":"timeline", …}` JSON line with
 * `--log-format json`, through the dev runner's reporter. The window's keys
 * (src/dev/timeline-window.ts) send the same commands through the same {@link TimelineConsole}.
 *
 *     $ hotloop dev --timeline --headless
 *     back 60
 *     hotloop: timeline: paused at frame 552 (step 589); kept frames 1–612 (10.0 s, 37 snapshots, 9.3 MiB of 256 MiB)
 *
 * stdin is read from the first frame until the app shuts down, then let go of, so a game that ends
 * (`--frames N`, the window closed, `quit`) ends its process even with stdin still open. A closed
 * stdin (`< /dev/null`) only ends the reading: the game goes on.
 *
 * @module
 */
import type { App } from "../core/app.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";
import { Timeline } from "../core/timeline.ts";
import { consoleReporter, type Reporter } from "../hot/report.ts";
import { commandText, describeStatus, parseTimelineCommand, TIMELINE_COMMANDS, TIMELINE_KEYS, type TimelineCommand } from "./timeline-commands.ts";

/** Options of {@link TimelineControls}. */
export interface TimelineControlsOptions {
  /** Where the answers go (the dev runner's reporter, readable or JSON lines). Default: readable lines on stderr. */
  readonly reporter?: Reporter;
  /** Read commands from stdin, one a line (default true). Tests that send lines themselves ({@link TimelineConsole.line}) turn it off. */
  readonly stdin?: boolean;
}

/**
 * The timeline's console, a resource: commands queued for the next frame boundary (where the
 * timeline can move the whole app between frames), each answered with one line. The stdin reader
 * and the window's keys both send through it.
 */
export class TimelineConsole {
  readonly #app: App;
  readonly #timeline: Timeline;
  readonly #report: Reporter;

  /** A console for `app`'s timeline, answering through `report`; {@link TimelineControls} makes it. */
  constructor(app: App, timeline: Timeline, report: Reporter) {
    this.#app = app;
    this.#timeline = timeline;
    this.#report = report;
  }

  /**
   * A line typed by the user: carried out at the next frame boundary and answered then (a line
   * that is not a command too, so answers come in the order of the lines). Blank lines do nothing.
   */
  line(text: string): void {
    let command: TimelineCommand | undefined;
    try {
      command = parseTimelineCommand(text);
    } catch (e) {
      const message = (e as Error).message;
      this.#timeline.enqueue(() => this.#answer(text.trim(), undefined, "refused", message));
      return;
    }
    if (command) this.send(command);
  }

  /** Queues `command` for the next frame boundary; `key` names the key that sent it (`F6`, `Shift+F6`), if one did. */
  send(command: TimelineCommand, key?: string): void {
    this.#timeline.enqueue(() => this.#carryOut(command, key));
  }

  #carryOut(sent: TimelineCommand, key: string | undefined): void {
    // A key's toggle is said as what it did: `pause` or `resume`, `loop start`, `replay on`.
    const command = this.#resolve(sent);
    let message: string;
    try {
      message = this.#apply(command);
    } catch (e) {
      // The timeline's refusals start with "timeline: ", which the answer's own prefix says already.
      this.#answer(commandText(command), key, "refused", (e as Error).message.replace(/^timeline: /, ""));
      return;
    }
    this.#answer(commandText(command), key, "ok", message);
  }

  /** The command a toggle (a key's) stands for now. */
  #resolve(command: TimelineCommand): TimelineCommand {
    const s = this.#timeline.status();
    switch (command.kind) {
      case "toggle_pause":
        return { kind: s.mode === "live" ? "pause" : "resume" };
      case "loop_next":
        return { kind: "loop", what: !s.loop ? "start" : s.loop.end === undefined ? "end" : "off" };
      case "toggle_replay":
        return { kind: "replay", what: s.replayOnSave ? "off" : "on" };
      default:
        return command;
    }
  }

  /** Does `command`; returns the answer's line (throws the refusal's). */
  #apply(command: TimelineCommand): string {
    const t = this.#timeline;
    const where = () => describeStatus(t.status());
    switch (command.kind) {
      case "pause":
        t.pause();
        return where();
      case "resume":
        t.resume();
        return where();
      case "step":
        t.forward("frames" in command ? command.frames : this.#framesIn(command.seconds));
        return where();
      case "back":
        if ("frames" in command) t.back(command.frames);
        else t.backSeconds(command.seconds);
        return where();
      case "seek":
        t.seek(command.frame);
        return where();
      case "loop":
        return this.#loop(command.what);
      case "replay":
        if (command.what === "now") return this.#replayNow();
        t.replayOnSave = command.what === "on";
        return `replay on save ${command.what}: ${where()}`;
      case "status":
        return where();
      case "help":
        return `commands: ${TIMELINE_COMMANDS}; keys in the window: ${TIMELINE_KEYS}`;
      case "quit":
        this.#app.exit(0);
        return `quitting at frame ${this.#app.time.frame}`;
      default:
        // Toggles were resolved into one of the above.
        throw new Error(`${command.kind} is not a command to carry out`);
    }
  }

  #loop(what: "start" | "end" | "off"): string {
    const t = this.#timeline;
    if (what === "start") {
      t.markLoopStart();
      return `loop starts at frame ${this.#app.time.frame} (go to its end and mark it): ${describeStatus(t.status())}`;
    }
    if (what === "end") {
      t.markLoopEnd();
      return describeStatus(t.status());
    }
    t.clearLoop();
    return `loop cleared: ${describeStatus(t.status())}`;
  }

  #replayNow(): string {
    const result = this.#timeline.replay();
    if (result.fault) {
      // The timeline has said which system failed where; the answer is a refusal, and the game is as it was.
      throw new Error(`replay stopped: ${result.fault.system ?? "a system"} failed at frame ${result.fault.frame}; the game is where it was before the replay`);
    }
    return `replayed frames ${result.from + 1}–${result.to} in ${result.ms.toFixed(1)} ms: ${describeStatus(this.#timeline.status())}`;
  }

  /** About how many frames `seconds` of game time is, from the frames kept (else one fixed step a frame). */
  #framesIn(seconds: number): number {
    const s = this.#timeline.status();
    const perSecond = s.seconds > 0 && s.last > s.first ? (s.last - s.first) / s.seconds : 1e9 / this.#app.time.fixedNs;
    return Math.max(1, Math.round(seconds * perSecond));
  }

  #answer(command: string, key: string | undefined, status: "ok" | "refused", message: string): void {
    const s = this.#timeline.status();
    this.#report({
      type: "timeline",
      status,
      command,
      ...(key !== undefined ? { key } : {}),
      message,
      mode: s.mode,
      frame: s.cursor,
      step: s.step,
      first: s.first,
      last: s.last,
      seconds: s.seconds,
      snapshots: s.snapshots,
      bytes: s.bytes,
      budgetBytes: s.budgetBytes,
      ...(s.loop ? { loopStart: s.loop.start, ...(s.loop.end !== undefined ? { loopEnd: s.loop.end } : {}) } : {}),
      replayOnSave: s.replayOnSave,
    });
  }
}

/**
 * Reads stdin a line at a time and hands each line to `onLine`, until the returned function is
 * called. process.stdin rather than `Bun.stdin.stream()`: a web stream cancelled at one app's
 * shutdown stays locked, and a second app in the same process (a test file's next test) could not
 * read again; a paused process.stdin with no listeners holds the process open no longer.
 */
function readLines(onLine: (line: string) => void): () => void {
  const decoder = new TextDecoder();
  let buffer = "";
  const data = (chunk: Buffer | string) => {
    buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      onLine(buffer.slice(0, i).replace(/\r$/, ""));
      buffer = buffer.slice(i + 1);
    }
  };
  const end = () => {
    // The last line, if stdin ended without a newline.
    if (buffer.trim()) onLine(buffer);
    buffer = "";
  };
  const stdin = process.stdin;
  stdin.on("data", data);
  stdin.on("end", end);
  stdin.resume();
  return () => {
    stdin.off("data", data);
    stdin.off("end", end);
    stdin.pause();
  };
}

/**
 * Commands for the app's timeline (add it after the {@link TimelinePlugin}; `hotloop dev --timeline`
 * does): the {@link TimelineConsole} resource, and stdin read a line at a time from the first
 * frame until shutdown.
 */
export function TimelineControls(options: TimelineControlsOptions = {}): (app: App) => void {
  return function timelineControls(app: App) {
    const timeline = app.resource(Timeline);
    const commands = app.insertResource(new TimelineConsole(app, timeline, options.reporter ?? consoleReporter("human")), HOTLOOP_OWN);
    if (options.stdin === false) return;
    // From the first frame, not from now: an app made and never run (a test's) leaves stdin alone.
    let stop: (() => void) | undefined;
    let shutDown = false;
    app.onNextFrameBoundary(() => {
      if (!shutDown) stop = readLines((line) => commands.line(line));
    });
    app.onShutdown(() => {
      shutDown = true;
      stop?.();
      stop = undefined;
    });
  };
}
