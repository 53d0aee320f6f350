/**
 * From a file on disk to a staged build or a refusal: read it once complete, hash it, check its
 * image, write a shadow copy, open it (staging.ts does each step); retry a file caught mid-write
 * or not loadable yet; refuse what cannot load, and remember the rejected builds so the same bytes
 * are not tried again until another build ran. A staged build waits for the frame boundary, where
 * the reloader swaps it in.
 */
import { basename, resolve } from "node:path";
import { imageProblem } from "../elf.ts";
import { HotLibrary, LibraryError } from "../library.ts";
import { ManifestError } from "../manifest.ts";
import { ShadowDir, ShadowWriteError } from "../shadow-dir.ts";
import { contentHash, openCopy, readComplete } from "../staging.ts";
import type { Watchdog } from "../../core/watchdog.ts";
import { awaitedNames, builtForAwaited, type AwaitedLayouts } from "./compatibility.ts";
import type { LibrarySet } from "./library-set.ts";
import type { ResolvedOptions } from "./options.ts";
import type { ReloadReport } from "./reload-report.ts";

/** A build loaded and checked, waiting for the frame boundary. */
export interface StagedBuild {
  /** The build, opened from its shadow copy, its manifest checked. */
  readonly lib: HotLibrary;
  /** When the watcher saw the first event of the change. */
  readonly detectedAt: number;
  /** When the attempt that staged it started reading. */
  readonly loadedAt: number;
  /** When it was staged (loaded and checked): the wait for the frame boundary starts here. */
  readonly stagedAt: number;
  /** Whether the about-to-reload observers were told. */
  announced: boolean;
}

/** What the stager reads of the reloader. */
export interface StagerHost {
  /** The reloader's options, defaults filled in. */
  readonly options: ResolvedOptions;
  /** Where refusals and warnings are said. */
  readonly report: ReloadReport;
  /** The open libraries: a staged build joins them. */
  readonly libraries: LibrarySet;
  /** Handed to each library opened (its abort flag), when the app has one. */
  readonly watchdog: Watchdog | undefined;
  /** Counts of builds staged and refused, for `reloader.stats`. */
  readonly stats: { stagings: number; refusals: number };
  /** The library running now. */
  current(): HotLibrary | undefined;
  /** The version running now (for messages). */
  version(): number;
  /** The layouts a staged TypeScript reload awaits a build for. */
  awaited(): AwaitedLayouts | undefined;
}

/** Stages the builds of one reloader. */
export class Stager {
  readonly #host: StagerHost;
  /** Builds that panicked and were rolled back, or were refused: not loaded again until another build ran. */
  readonly #rejectedBuilds = new Set<string>();
  #shadow: ShadowDir | undefined;
  #staged: StagedBuild | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retriesLeft = 0;
  #firstEventAt: number | undefined;
  /** Manual mode: a new build was announced as ready. */
  #buildReady = false;
  /** Inode of the build output when it was last read: the same inode modified again was rewritten in place. */
  #readIno: number | undefined;
  /** Inode, size and mtime seen by the last attempt to stage. */
  #lastSignature: string | undefined;

  /** `host`: what it reads of the reloader. */
  constructor(host: StagerHost) {
    this.#host = host;
  }

  /** The shadow copies' directory (reload mode). */
  get shadow(): ShadowDir | undefined {
    return this.#shadow;
  }

  /** The build waiting for the frame boundary. */
  get staged(): StagedBuild | undefined {
    return this.#staged;
  }

  /** Hands the staged build over to be swapped in. */
  take(): StagedBuild | undefined {
    const staged = this.#staged;
    this.#staged = undefined;
    return staged;
  }

  /** Closes the staged build unswapped. */
  dropStaged(): void {
    if (!this.#staged) return;
    this.#host.libraries.dispose(this.#staged.lib);
    this.#staged = undefined;
  }

  /**
   * Opens the build the reloader starts with (not loaded yet): a shadow copy with reload on, else
   * the build output itself. Throws when it cannot be opened.
   */
  openFirst(): HotLibrary {
    const { options, report } = this.#host;
    const path = options.library;
    const read = this.#readFirst();
    if ("problem" in read) return this.failFirst(read.problem === "the file is missing" ? "no such file (build the crate first, e.g. hotloop build)" : read.problem);
    this.#readIno = read.ino;
    const hash = contentHash(read.bytes);
    let lib: HotLibrary;
    try {
      if (options.reload) {
        this.#shadow = new ShadowDir("hotloop-", (message) => report.warn(message));
        lib = openCopy(this.#shadow, path, read.bytes, hash);
      } else {
        // Loaded from its build path by an absolute name: never looked up through LD_LIBRARY_PATH.
        lib = new HotLibrary(resolve(path), path, hash);
      }
    } catch (e) {
      return this.failFirst((e as Error).message);
    }
    if (this.#host.watchdog) lib.setAbortFlag(this.#host.watchdog.abortFlag);
    return lib;
  }

  /**
   * Reads the first build whole, waiting as a reload does: a build landing while the game starts
   * (a save during `hotloop dev`'s first build, a writer rewriting it in place) is read again,
   * `retryDelayMs` apart, rather than ending the game: while the file keeps changing for up to
   * FIRST_READ_LIMIT_MS, then `retries` times once it stays the same. There is no earlier read to
   * tell an in-place rewrite from a build renamed into place, so the file is read twice and taken
   * only when both reads agree: a torn read (a mix of two builds) differs from the next one.
   * Synchronous: the game has not started, and the first build must be in before it can.
   */
  #readFirst(): { bytes: Uint8Array; ino: number } | { problem: string } {
    const { options } = this.#host;
    const path = options.library;
    const deadline = performance.now() + FIRST_READ_LIMIT_MS;
    let retriesLeft = options.retries;
    let lastSignature: string | undefined;
    for (;;) {
      const read = readComplete(path, undefined);
      const problem = "problem" in read ? read.problem : (imageProblem(read.bytes) ?? (sameRead(read, readComplete(path, undefined)) ? undefined : "the file changed while it was read"));
      if (problem === undefined) return read as { bytes: Uint8Array; ino: number };
      if (read.signature !== lastSignature && performance.now() < deadline) retriesLeft = options.retries; // still being worked on
      lastSignature = read.signature;
      if (retriesLeft-- <= 0 || problem === "the file is missing" || problem.startsWith("not a regular file") || problem.startsWith("cannot read it")) return { problem };
      Bun.sleepSync("waitMs" in read && read.waitMs !== undefined ? read.waitMs : options.retryDelayMs);
    }
  }

  /** The first build cannot run: throws why, and no shadow copy outlives a reloader that never started. */
  failFirst(why: string): never {
    this.#shadow?.remove();
    throw new Error(`hotloop: cannot load ${this.#host.options.library}: ${why}`);
  }

  /** The watcher saw the first event of a change. */
  detected(): void {
    this.#firstEventAt ??= performance.now();
  }

  /** The file went quiet: stage it (auto mode), or say a build is ready (manual mode). */
  quiet(): void {
    const { options, report } = this.#host;
    if (options.mode === "manual") {
      if (!this.#buildReady) report.event({ type: "info", message: `a new build of ${basename(options.library)} is ready: reload on request` });
      this.#buildReady = true;
      return;
    }
    this.#retriesLeft = options.retries;
    this.#stage();
  }

  /** Stages the build output now (manual mode's request). */
  request(): void {
    this.#buildReady = false;
    this.#firstEventAt ??= performance.now();
    this.#retriesLeft = this.#host.options.retries; // a file caught mid-write is retried, as in auto mode
    this.#stage();
  }

  /** Stages the build output again, even when it is the running build (it may be the awaited one). */
  restage(): void {
    this.#lastSignature = undefined;
    this.#retriesLeft = this.#host.options.retries;
    this.#stage(true);
  }

  /** Refuses a build: reported, and its bytes are not tried again until another build ran. */
  refuse(reason: string, hash?: string): void {
    if (hash) this.#rejectedBuilds.add(hash);
    this.#host.stats.refusals++;
    this.#endAttempt();
    this.#host.report.event({ type: "reload", status: "refused", file: this.#host.options.library, version: this.#host.version(), reason });
  }

  /** A build that panicked: not loaded again until another build ran. */
  reject(hash: string): void {
    this.#rejectedBuilds.add(hash);
  }

  /** Another build ran: a build that panicked before may be chosen again. */
  forgetRejected(): void {
    this.#rejectedBuilds.clear();
  }

  /** Stops retrying. */
  close(): void {
    clearTimeout(this.#retryTimer);
  }

  /** The attempt is over (staged, refused or nothing new): the next change is timed from its own first event. */
  #endAttempt(): void {
    this.#firstEventAt = undefined;
  }

  /** The file (its signature) last said to be identical to the running build. */
  #identicalSaid: string | undefined;

  /**
   * Stages the file (see #stageFile). Runs from timers and watcher events, so nothing may escape:
   * an unexpected error is one warning, and the game keeps its code.
   */
  #stage(restageCurrent = false): void {
    try {
      this.#stageFile(restageCurrent);
    } catch (e) {
      this.#endAttempt();
      this.#host.report.warn(`could not stage the build: ${(e as Error).message} (still running v${this.#host.version()})`);
    }
  }

  /** Reads, checks, copies, opens and validates the file; on success it waits for the frame boundary. */
  #stageFile(restageCurrent: boolean): void {
    const { options, report, libraries, watchdog, stats } = this.#host;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const path = options.library;
    const started = performance.now();
    const read = readComplete(path, this.#readIno);
    if (read.signature !== this.#lastSignature) {
      // The file changed since the last attempt: it is being worked on, which is progress, so the
      // retries (for a file that stays incomplete or unloadable) start over.
      this.#lastSignature = read.signature;
      this.#retriesLeft = options.retries;
    }
    if ("problem" in read) return this.#retryOrRefuse(read.problem, undefined, read.waitMs);
    const bytes = read.bytes;
    this.#readIno = read.ino;
    const hash = contentHash(bytes);
    const current = this.#host.current();
    const latest = this.#staged?.lib ?? current;
    if (latest && hash === latest.hash && !(restageCurrent && latest === current)) {
      // A save that built the same bytes (a comment, whitespace, an edit undone): said, once per new file.
      if (read.signature !== this.#identicalSaid && latest === current) {
        this.#identicalSaid = read.signature;
        report.event({ type: "info", message: `${basename(path)}: the new build is the one running (v${this.#host.version()}): nothing to load` });
      }
      return this.#endAttempt();
    }
    if (this.#rejectedBuilds.has(hash)) return this.#endAttempt();
    const problem = imageProblem(bytes);
    if (problem) return this.#retryOrRefuse(problem, hash);
    stats.stagings++;
    let lib: HotLibrary;
    try {
      lib = openCopy(this.#shadow!, path, bytes, hash);
    } catch (e) {
      if (e instanceof ShadowWriteError) {
        // Not the build's fault (a full disk, a removed directory): tried again, and the same build loads once it can.
        if (this.#retriesLeft-- > 0) return void (this.#retryTimer = setTimeout(() => this.#stage(), options.retryDelayMs));
        this.#endAttempt();
        this.#lastSignature = undefined;
        return report.warn(`could not stage the build: ${e.message} (still running v${this.#host.version()}; the next save tries again)`, path);
      }
      if (e instanceof LibraryError && this.#retriesLeft > 0) return this.#retryOrRefuse(e.message, hash);
      if (e instanceof ManifestError || e instanceof LibraryError) return this.refuse(e.message, hash);
      return this.refuse(`unexpected error: ${(e as Error).message}`, hash);
    }
    const awaited = this.#host.awaited();
    if (!builtForAwaited(lib, awaited)) {
      // Built from the components as they were: the game waits for the build of the layouts it is moving to.
      libraries.dispose(lib);
      this.#endAttempt();
      return report.event({ type: "info", message: `${basename(path)} was built against the old layout of ${awaitedNames(lib, awaited)}; waiting for the build against the new one` });
    }
    if (watchdog) lib.setAbortFlag(watchdog.abortFlag);
    if (this.#staged) libraries.dispose(this.#staged.lib); // a newer build supersedes one still waiting
    const now = performance.now();
    this.#staged = { lib, detectedAt: this.#firstEventAt ?? started, loadedAt: started, stagedAt: now, announced: false };
    this.#firstEventAt = undefined;
  }

  #retryOrRefuse(reason: string, hash?: string, delayMs = this.#host.options.retryDelayMs): void {
    if (this.#retriesLeft > 0) {
      this.#retriesLeft--;
      this.#retryTimer = setTimeout(() => this.#stage(), delayMs);
      return;
    }
    this.refuse(reason, hash);
  }
}

/** How long the first read waits for a file that keeps changing before it counts retries, in ms. */
const FIRST_READ_LIMIT_MS = 5000;

/** Whether a second read found the same file with the same bytes. */
function sameRead(first: { bytes: Uint8Array; ino: number }, again: ReturnType<typeof readComplete>): boolean {
  return "bytes" in again && again.ino === first.ino && Buffer.from(again.bytes.buffer, again.bytes.byteOffset, again.bytes.byteLength).equals(first.bytes);
}
