import { basename } from "node:path";

/** Something a person (or a tool) wants to know about builds and reloads. */
export type HotEvent =
  | { type: "build"; status: "started"; crate: string }
  /** `via`: cargo, or cargo's last rustc command run again for an edit of the crate's own sources. */
  /** `warnings`: the compiler's warnings, one line each (paths from the project's root); `quiet` runs give only their count. */
  | { type: "build"; status: "finished"; crate: string; ms: number; via?: "cargo" | "rustc"; warnings?: readonly string[]; warningCount?: number }
  | { type: "build"; status: "failed"; crate: string; ms: number; error: string; via?: "cargo" | "rustc" }
  | { type: "reload"; status: "ok"; file: string; version: number; detectedMs: number; loadMs: number; swapMs: number; totalMs: number }
  | { type: "reload"; status: "refused"; file: string; version: number; reason: string }
  /**
   * What a swap did to one system (`version` is the version swapped in): added to a schedule,
   * removed, moved, running with a changed signature, kept on the code of an older version
   * (`keptOn`) because the new code cannot run here, not added, exported but not scheduled.
   */
  | { type: "system"; change: "added" | "removed"; system: string; placement: string; version: number }
  | { type: "system"; change: "moved" | "signature"; system: string; from: string; to: string; version: number }
  | { type: "system"; change: "kept"; system: string; keptOn: number; reason: string; version: number }
  | { type: "system"; change: "not_added"; system: string; placement: string; reason: string; version: number }
  | { type: "system"; change: "unscheduled" | "placed_twice"; system: string; placement?: string; version: number }
  /** `version` panicked in `file` (the build output); `now` is the version running afterwards. */
  | { type: "panic"; file: string; system: string; version: number; message: string; action: "rolled_back" | "disabled"; now: number }
  /**
   * A TypeScript reload of the game (`file` the module saved; `version` the game's, not the
   * library's): applied, refused with its cause as `file:line:col: …`, or waiting for the build of
   * the hot library it migrates components for.
   */
  | { type: "game"; status: "ok"; file: string; version: number; importMs: number; applyMs: number; totalMs: number }
  | { type: "game"; status: "refused" | "waiting"; file: string; version: number; reason: string }
  /** A component's data moved to a new layout at a frame boundary, or moved back by a rollback. */
  | { type: "migration"; status: "migrated" | "reverted"; component: string; from: string; to: string; entities: number; ms: number }
  /** A resource's value moved to a new layout at a frame boundary (its schema edited), or back by a rollback. */
  | { type: "migration"; status: "migrated" | "reverted"; resource: string; from: string; to: string; ms: number }
  /** An event type's queue made anew for its new layout at a frame boundary (the events in flight dropped), or put back by a rollback. */
  | { type: "migration"; status: "migrated" | "reverted"; event: string; from: string; to: string; dropped: number; ms: number }
  | { type: "warning"; file: string; message: string }
  | { type: "info"; message: string };

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
