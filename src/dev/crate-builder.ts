/**
 * The dev runner's builds of one crate, save after save: cargo the first time and whenever cargo
 * has something to decide, and cargo's last rustc command run again when the saved files are the
 * crate's own sources (src/dev/rustc-replay.ts).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { cargoBuild, type Builder, type CargoBuildOptions, type CargoResult } from "./cargo.ts";
import { RecordedRustc } from "./rustc-replay.ts";

/** Builds a crate for the files changed since its last build. Release builds always go through cargo. */
export class CrateBuilder implements Builder {
  #recorded: RecordedRustc | undefined;

  /**
   * `remember`: a file (in the target dir) where the recorded command is kept between sessions,
   * so that the first save after a restart is replayed too when cargo finds the crate fresh.
   */
  constructor(
    readonly options: CargoBuildOptions,
    private readonly remember?: string,
  ) {
    if (remember && !options.release) {
      try {
        this.#recorded = RecordedRustc.restore(JSON.parse(readFileSync(remember, "utf8")));
      } catch {
        // No file yet, or one this version cannot read: cargo's next build records again.
      }
    }
  }

  /** The rustc command the next save of the crate's own sources would replay, if cargo recorded one. */
  get recorded(): RecordedRustc | undefined {
    return this.#recorded;
  }

  /**
   * Builds after `changed` (absolute paths) were saved; without them, or when they are not all the
   * crate's own `.rs` files, cargo builds and its rustc command is recorded for the next save.
   */
  async build(changed?: readonly string[]): Promise<CargoResult> {
    const recorded = this.#recorded;
    if (recorded && changed && !this.options.release && recorded.covers(changed)) {
      const replay = await recorded.run();
      if (replay.trusted) return { ok: replay.ok, ms: replay.ms, errors: replay.errors, via: "rustc", warnings: replay.warnings };
      this.#recorded = undefined; // a failure that is not the code's: cargo explains it, and records again
    }
    // A file saved after this is one cargo may not have seen. Date.now() truncates to the
    // millisecond, and cargo reads nothing in its first one: + 1 keeps a save made just before
    // the build from looking newer than it.
    const since = Date.now() + 1;
    const result = await cargoBuild({ ...this.options, recordRustc: !this.options.release });
    // No recording when cargo found the crate fresh: the recorded command still stands (covers() checks it).
    if (result.recording) {
      this.#recorded = RecordedRustc.record(result.recording, this.options.cwd, since);
      if (this.remember) this.#save(this.remember, this.#recorded);
    }
    return result;
  }

  /** Keeps the recorded command for the next session, or removes the kept one when there is none (a build script appeared). */
  #save(file: string, recorded: RecordedRustc | undefined): void {
    try {
      if (!recorded) return rmSync(file, { force: true });
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(recorded));
    } catch {
      // A target dir that cannot be written loses only the next session's first replay.
    }
  }
}
