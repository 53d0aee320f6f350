/**
 * The libraries open now, each with the version it became current as. A library stays open while
 * a slot or the rollback target uses it; once out of use it is closed after the swapping frame,
 * when the event loop next turns: dlclose, the mapping check and the file removal then delay no
 * frame's systems.
 */
import { rmSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { HotLibrary } from "../library.ts";
import { stillMapped } from "../maps.ts";
import type { ReloadReport } from "./reload-report.ts";

/** The open libraries of one reloader. */
export class LibrarySet {
  /** Every library open now, with the version it became current as. */
  readonly #open = new Map<HotLibrary, number>();
  /** Out of use, waiting for the event loop to close them. */
  readonly #closing: HotLibrary[] = [];
  #closeScheduled = false;
  #warnedMapped = false;
  readonly #report: ReloadReport;

  /** `report`: where the still-mapped warning goes. */
  constructor(report: ReloadReport) {
    this.#report = report;
  }

  /** Records that `lib` became current as `version`. */
  set(lib: HotLibrary, version: number): void {
    this.#open.set(lib, version);
  }

  /** The version `lib` became current as, or undefined when it is not open. */
  versionOf(lib: HotLibrary): number | undefined {
    return this.#open.get(lib);
  }

  /** The open libraries. */
  libraries(): IterableIterator<HotLibrary> {
    return this.#open.keys();
  }

  /**
   * Closes every open library not in `used`. `soon`: they leave the set now and are closed once
   * the event loop next turns, not in the swapping frame.
   */
  closeUnused(used: ReadonlySet<HotLibrary>, soon: boolean): void {
    for (const lib of [...this.#open.keys()]) {
      if (used.has(lib)) continue;
      this.#open.delete(lib);
      if (soon) this.#closing.push(lib);
      else this.dispose(lib);
    }
    if (this.#closing.length === 0 || this.#closeScheduled) return;
    this.#closeScheduled = true;
    setImmediate(() => {
      this.#closeScheduled = false;
      for (const lib of this.#closing.splice(0)) this.dispose(lib);
    });
  }

  /** Closes every library, open or waiting to be closed, and `extra` (a staged build). */
  closeAll(extra: HotLibrary | undefined): void {
    for (const lib of [extra, ...this.#open.keys(), ...this.#closing.splice(0)]) if (lib) this.dispose(lib);
    this.#open.clear();
  }

  /** Closes a library and deletes its shadow copy; warns once if the mapping outlived dlclose. */
  dispose(lib: HotLibrary): void {
    lib.close();
    if (lib.path === resolve(lib.source)) return; // static mode: the build output is not ours to delete
    if (!this.#warnedMapped && stillMapped(lib.path)) {
      this.#warnedMapped = true;
      this.#report.warn(
        `an old copy (${basename(lib.path)}) stayed mapped after dlclose, most likely a Rust thread_local! with a destructor (rust-lang/rust#59629); reloads keep working, but old versions' memory is not returned (warned once)`,
        lib.source,
      );
    }
    rmSync(lib.path, { force: true });
  }
}
