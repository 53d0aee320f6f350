import { basename } from "node:path";

/**
 * Something a person (or a tool) wants to know about builds and reloads: one variant per `type`
 * (and `status` or `change`). {@link formatEvent} makes each one line; `--log-format json` prints
 * them as they are, one JSON object a line.
 */
export type HotEvent =
  | {
      /** A build of the hot systems' crate. */
      type: "build";
      /** It started. */
      status: "started";
      /** The crate's name. */
      crate: string;
    }
  | {
      /** A build of the hot systems' crate. */
      type: "build";
      /** It succeeded. */
      status: "finished";
      /** The crate's name. */
      crate: string;
      /** How long it took, in milliseconds. */
      ms: number;
      /** `via`: cargo, or cargo's last rustc command run again for an edit of the crate's own sources. */
      via?: "cargo" | "rustc";
      /** `warnings`: the compiler's warnings, one line each (paths from the project's root); `quiet` runs give only their count. */
      warnings?: readonly string[];
      /** How many warnings there were, when `warnings` is left out (`--quiet`). */
      warningCount?: number;
    }
  | {
      /** A build of the hot systems' crate. */
      type: "build";
      /** It failed: the game keeps running the last good code. */
      status: "failed";
      /** The crate's name. */
      crate: string;
      /** How long it took, in milliseconds. */
      ms: number;
      /** The compiler's lines (paths from the project's root). */
      error: string;
      /** cargo, or cargo's last rustc command run again. */
      via?: "cargo" | "rustc";
    }
  | {
      /** A hot library loaded and swapped in. */
      type: "reload";
      /** It applied. */
      status: "ok";
      /** The library's path (the build output). */
      file: string;
      /** The version now running. */
      version: number;
      /** From the first event of the file's change to the start of its load (the file waited for until complete), in milliseconds. */
      detectedMs: number;
      /** Staging and loading the copy, in milliseconds. */
      loadMs: number;
      /** The swap at the frame boundary, in milliseconds. */
      swapMs: number;
      /** From the first event of the change to the end of the swap, in milliseconds. */
      totalMs: number;
    }
  | {
      /** A hot library that was not used. */
      type: "reload";
      /** It was refused: the running version stays. */
      status: "refused";
      /** The library's path (the build output). */
      file: string;
      /** The version still running. */
      version: number;
      /** Why, as one line. */
      reason: string;
    }
  /**
   * What a swap did to one system (`version` is the version swapped in): added to a schedule,
   * removed, moved, running with a changed signature, kept on the code of an older version
   * (`keptOn`) because the new code cannot run here, not added, exported but not scheduled.
   */
  | {
      /** What a swap did to one system. */
      type: "system";
      /** Added to its schedule, or removed from it. */
      change: "added" | "removed";
      /** The system's name. */
      system: string;
      /** Where: `FixedUpdate`, `FixedUpdate after a, b`. */
      placement: string;
      /** The version swapped in. */
      version: number;
    }
  | {
      /** What a swap did to one system. */
      type: "system";
      /** Moved to another place, or running with a changed signature. */
      change: "moved" | "signature";
      /** The system's name. */
      system: string;
      /** The old placement or signature. */
      from: string;
      /** The new placement or signature. */
      to: string;
      /** The version swapped in. */
      version: number;
    }
  | {
      /** What a swap did to one system. */
      type: "system";
      /** Kept on an older version's code, because the new code cannot run here. */
      change: "kept";
      /** The system's name. */
      system: string;
      /** The version whose code it keeps running. */
      keptOn: number;
      /** Why the new code cannot run, as one line. */
      reason: string;
      /** The version swapped in for the rest. */
      version: number;
    }
  | {
      /** What a swap did to one system. */
      type: "system";
      /** A new system that could not be added. */
      change: "not_added";
      /** The system's name. */
      system: string;
      /** Where the library placed it. */
      placement: string;
      /** Why, as one line. */
      reason: string;
      /** The version swapped in. */
      version: number;
    }
  | {
      /** What a swap did to one system. */
      type: "system";
      /** Exported but placed by neither the library nor the app; or placed by both (the app's place wins). */
      change: "unscheduled" | "placed_twice";
      /** The system's name. */
      system: string;
      /** The library's placement, which is ignored (`placed_twice`). */
      placement?: string;
      /** The version swapped in. */
      version: number;
    }
  /** `version` panicked in `file` (the build output); `now` is the version running afterwards. */
  | {
      /** A hot system panicked. */
      type: "panic";
      /** The library's path (the build output). */
      file: string;
      /** The system's name. */
      system: string;
      /** The version that panicked. */
      version: number;
      /** The panic's message and place, one line. */
      message: string;
      /** Rolled back to the previous build, or the system disabled until the next good one. */
      action: "rolled_back" | "disabled";
      /** The version running afterwards. */
      now: number;
    }
  /**
   * A TypeScript reload of the game (`file` the module saved; `version` the game's, not the
   * library's): applied, refused with its cause as `file:line:col: …`, or waiting for the build of
   * the hot library it migrates components for.
   */
  | {
      /** A TypeScript reload of the game. */
      type: "game";
      /** It applied. */
      status: "ok";
      /** The module saved. */
      file: string;
      /** The game's version now running (not the library's). */
      version: number;
      /** Evaluating the changed modules, in milliseconds. */
      importMs: number;
      /** Moving the app to the new plugin at the frame boundary, in milliseconds. */
      applyMs: number;
      /** All of it, in milliseconds. */
      totalMs: number;
    }
  | {
      /** A TypeScript reload of the game. */
      type: "game";
      /** Refused (the last good code runs), or waiting for the hot library built against its components. */
      status: "refused" | "waiting";
      /** The module saved. */
      file: string;
      /** The game's version still running. */
      version: number;
      /** Why, as one line (`file:line:col: …` for a refusal). */
      reason: string;
    }
  /** A component's data moved to a new layout at a frame boundary, or moved back by a rollback. */
  | {
      /** A component's data moved to a new layout. */
      type: "migration";
      /** Moved to the new layout, or back by a rollback. */
      status: "migrated" | "reverted";
      /** The component's name. */
      component: string;
      /** The old layout, as text: `Velocity{x,y}`. */
      from: string;
      /** The new layout, as text. */
      to: string;
      /** How many entities' data moved. */
      entities: number;
      /** How long it took, in milliseconds. */
      ms: number;
    }
  /** A resource's value moved to a new layout at a frame boundary (its schema edited), or back by a rollback. */
  | {
      /** A resource's value moved to a new layout. */
      type: "migration";
      /** Moved to the new layout, or back by a rollback. */
      status: "migrated" | "reverted";
      /** The resource's name. */
      resource: string;
      /** The old layout, as text. */
      from: string;
      /** The new layout, as text. */
      to: string;
      /** How long it took, in milliseconds. */
      ms: number;
    }
  /** An event type's queue made anew for its new layout at a frame boundary (the events in flight dropped), or put back by a rollback. */
  | {
      /** An event type's queue made anew for its new layout. */
      type: "migration";
      /** Made for the new layout, or put back by a rollback. */
      status: "migrated" | "reverted";
      /** The event type's name. */
      event: string;
      /** The old layout, as text. */
      from: string;
      /** The new layout, as text. */
      to: string;
      /** How many events in flight were dropped. */
      dropped: number;
      /** How long it took, in milliseconds. */
      ms: number;
    }
  /**
   * The answer to a timeline command (a stdin line, or a key in the window, of `hotloop dev
   * --timeline`; see src/dev/timeline-controls.ts), with where the timeline stands after it.
   */
  | {
      /** The answer to a timeline command. */
      type: "timeline";
      /** Carried out, or refused (not a command, a frame no longer kept, …): then nothing changed. */
      status: "ok" | "refused";
      /** The command as typed (`back 60`, `back 2s`, `loop start`), or the one a key sent. */
      command: string;
      /** The key in the window that sent it (`F6`, `Shift+F6`), when a key did. */
      key?: string;
      /** The answer, one line (`paused at frame 612 (step 650); kept frames 31–612 (…)`). */
      message: string;
      /** `live` (recording), `paused`, or `looping` (playing the marked stretch again and again). */
      mode: "live" | "paused" | "looping";
      /** The frame the game is at. */
      frame: number;
      /** Fixed steps begun by that frame. */
      step: number;
      /** The oldest frame kept (a seek can reach back to it). */
      first: number;
      /** The newest frame recorded. */
      last: number;
      /** Seconds of game time kept between `first` and `last`. */
      seconds: number;
      /** Snapshots kept. */
      snapshots: number;
      /** Bytes the snapshots and the recorded input hold. */
      bytes: number;
      /** The memory budget, in bytes (`--timeline-budget`). */
      budgetBytes: number;
      /** The marked loop's first frame, when one is marked. */
      loopStart?: number;
      /** The marked loop's last frame, once marked. */
      loopEnd?: number;
      /** Whether each save re-simulates the last seconds (`--replay-on-save`, F10). */
      replayOnSave: boolean;
    }
  | {
      /** Something went wrong that changes nothing running (an observer threw, the shadow dir was removed, …). */
      type: "warning";
      /** The library or file it is about. */
      file: string;
      /** What happened, as one line. */
      message: string;
    }
  | {
      /** A notice (a system exported but not scheduled, a texture reloaded, …). */
      type: "info";
      /** The notice, as one line. */
      message: string;
    };

/** Where events go. */
export type Reporter = (event: HotEvent) => void;

/** Output formats: readable lines, or one JSON object per line (`--log-format json`). */
export type LogFormat = "human" | "json";

/** A reporter that prints to stderr in the given format. */
export function consoleReporter(format: LogFormat = "human", write: (line: string) => void = (l) => console.error(l)): Reporter {
  if (format === "json") return (event) => write(JSON.stringify({ time: new Date().toISOString(), ...event }));
  return (event) => write(formatEvent(event));
}

/** One readable line for an event. */
export function formatEvent(e: HotEvent): string {
  switch (e.type) {
    case "build":
      if (e.status === "started") return `hotloop: building ${e.crate}…`;
      if (e.status === "finished") {
        const count = e.warningCount ?? e.warnings?.length ?? 0;
        const warned = count ? `, ${count} warning${count === 1 ? "" : "s"}` : "";
        const lines = e.warnings?.length ? `\n${e.warnings.join("\n")}` : "";
        return `hotloop: built ${e.crate} in ${ms(e.ms)}${e.via === "rustc" ? " (rustc directly)" : ""}${warned}${lines}`;
      }
      return `hotloop: build of ${e.crate} failed after ${ms(e.ms)}; the game keeps running the last good code\n${e.error}`;
    case "reload":
      if (e.status === "ok") {
        return `hotloop: reloaded ${basename(e.file)} → v${e.version} in ${ms(e.totalMs)} (detected ${ms(e.detectedMs)}, loaded ${ms(e.loadMs)}, swapped ${ms(e.swapMs)})`;
      }
      return `hotloop: refused ${e.file}: ${e.reason} (still running v${e.version})`;
    case "system":
      return `hotloop: ${describeSystemChange(e)}`;
    case "game":
      if (e.status === "ok") return `hotloop: reloaded ${e.file} → game v${e.version} in ${ms(e.totalMs)} (imported ${ms(e.importMs)}, applied ${ms(e.applyMs)})`;
      if (e.status === "waiting") return `hotloop: ${e.file} ${e.reason} (game v${e.version} keeps running)`;
      return `hotloop: refused ${e.reason} (still running game v${e.version})`;
    case "migration":
      if ("resource" in e) return `hotloop: ${e.status} resource ${e.from} → ${e.to}, ${ms(e.ms)}`;
      if ("event" in e) return `hotloop: ${e.status} event ${e.from} → ${e.to}${e.dropped ? `: ${e.dropped} ${e.dropped === 1 ? "event" : "events"} in flight dropped` : ""}, ${ms(e.ms)}`;
      return `hotloop: ${e.status} ${e.from} → ${e.to}: ${e.entities} ${e.entities === 1 ? "entity" : "entities"}, ${ms(e.ms)}`;
    case "panic":
      return `hotloop: system ${e.system} of ${e.file} v${e.version} panicked: ${e.message}; ${e.action === "rolled_back" ? `rolled back to the previous build (now v${e.now})` : "disabled until the next good build"}`;
    case "timeline":
      return `hotloop: timeline: ${e.message}`;
    case "warning":
      return `hotloop: warning: ${e.file}: ${e.message}`;
    case "info":
      return `hotloop: ${e.message}`;
  }
}

function describeSystemChange(e: Extract<HotEvent, { type: "system" }>): string {
  switch (e.change) {
    case "added":
      return `added system ${e.system} to ${e.placement}`;
    case "removed":
      return `removed system ${e.system} from ${e.placement}`;
    case "moved":
      return `moved system ${e.system} from ${e.from} to ${e.to}`;
    case "signature":
      return `system ${e.system} changed its signature from ${e.from} to ${e.to}`;
    case "kept":
      return `kept system ${e.system} on v${e.keptOn}: ${e.reason} (the rest of v${e.version} runs)`;
    case "not_added":
      return `did not add system ${e.system} to ${e.placement}: ${e.reason}`;
    case "unscheduled":
      return `system ${e.system} is exported but not scheduled (place it in export! { FixedUpdate: [${e.system}] } or with hotSystem("${e.system}"))`;
    case "placed_twice":
      return `system ${e.system} is placed by hotSystem("${e.system}") in TypeScript: its place in export! (${e.placement}) is ignored`;
  }
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}
