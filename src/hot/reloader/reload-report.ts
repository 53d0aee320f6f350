/**
 * Where the reloader's events go: the most recent kept for a HUD, each passed on to the reporter;
 * and what a swap did to each system (plan.ts's SystemChange) said as a HotEvent.
 */
import type { HotLibrary } from "../library.ts";
import type { SystemChange } from "../plan.ts";
import type { HotEvent, Reporter } from "../report.ts";

/** How many events are kept for {@link ReloadReport.events}. */
const MAX_EVENTS = 50;

/** The reloader's events: kept (the last {@link MAX_EVENTS}) and reported. */
export class ReloadReport {
  /** The most recent events, newest last. */
  readonly events: HotEvent[] = [];
  readonly #reporter: Reporter;
  readonly #library: string;
  /** Systems already announced as exported but not scheduled: one notice per name. */
  readonly #announcedUnscheduled = new Set<string>();

  /** `library`: the build output, named by warnings that concern no one build. */
  constructor(reporter: Reporter, library: string) {
    this.#reporter = reporter;
    this.#library = library;
  }

  /** Keeps and reports one event. */
  event(event: HotEvent): void {
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.shift();
    this.#reporter(event);
  }

  /** A warning about `file` (default: the build output). */
  warn(message: string, file = this.#library): void {
    this.event({ type: "warning", file, message });
  }

  /**
   * Says what a swap did to one system. `version` is the version swapped in; `versionOf` names
   * the version whose code a kept system stays on.
   */
  change(change: SystemChange<HotLibrary>, version: number, versionOf: (lib: HotLibrary) => number | undefined): void {
    switch (change.change) {
      case "kept":
        this.event({ type: "system", change: "kept", system: change.system, keptOn: versionOf(change.on) ?? version, reason: change.reason, version });
        return;
      case "unscheduled":
        if (this.#announcedUnscheduled.has(change.system)) return;
        this.#announcedUnscheduled.add(change.system);
        this.event({ type: "system", change: "unscheduled", system: change.system, version });
        return;
      case "added":
      case "removed":
        // At the first load, being in a schedule is where a placed system starts, not news.
        if (version > 1) this.event({ type: "system", change: change.change, system: change.system, placement: change.placement, version });
        return;
      case "not_added":
        this.event({ type: "system", change: "not_added", system: change.system, placement: change.placement, reason: change.reason, version });
        return;
      case "placed_twice":
        this.event({ type: "system", change: "placed_twice", system: change.system, placement: change.placement, version });
        return;
      default:
        this.event({ type: "system", change: change.change, system: change.system, from: change.from, to: change.to, version });
    }
  }
}
