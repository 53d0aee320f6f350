import { ptr } from "bun:ffi";
import { existsSync } from "node:fs";
import { libc, type Libc } from "./libc.ts";

const IN_NONBLOCK = 0o4000;
const IN_CLOEXEC = 0o2000000;
const IN_MODIFY = 0x2;
const IN_ATTRIB = 0x4;
const IN_CLOSE_WRITE = 0x8;
const IN_MOVED_TO = 0x80;
const IN_CREATE = 0x100;
const IN_Q_OVERFLOW = 0x4000;
const IN_IGNORED = 0x8000;

/** What a finished or changing file looks like to inotify: written, closed after writing, renamed or linked into place. */
// IN_ATTRIB: a build refused as unreadable becomes loadable by a chmod alone.
const MASK = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE;

/** `struct inotify_event` without its name: wd, mask, cookie, len (4 bytes each). */
const HEADER_BYTES = 16;

/** How often a directory that went away is looked for again, so the watch can be made anew. */
const REWATCH_MS = 100;

/**
 * A non-blocking inotify watch on one directory, read on demand, for one file in it: `poll()`
 * says whether that file was written, renamed or linked into place since the last poll. Polled at
 * every frame boundary, it sees a finished build at the first boundary after the rename, where an
 * event from Bun's watcher thread arrives a millisecond or more later in a busy loop. Linux only:
 * {@link DirectoryNotifier.open} returns undefined elsewhere (and where inotify is unavailable),
 * and the caller relies on its event-driven watcher alone.
 */
export class DirectoryNotifier {
  readonly #libc: Libc;
  readonly #fd: number;
  readonly #dir: string;
  readonly #name: Uint8Array;
  readonly #buffer = new Uint8Array(64 * 1024);
  readonly #view = new DataView(this.#buffer.buffer);
  #watching: boolean;
  #lastRewatch = 0;
  #closed = false;

  private constructor(lib: Libc, fd: number, dir: string, name: string) {
    this.#libc = lib;
    this.#fd = fd;
    this.#dir = dir;
    this.#name = new TextEncoder().encode(name);
    this.#watching = this.#watch();
  }

  /** A notifier for `name` in `dir`, or undefined where inotify cannot be used. */
  static open(dir: string, name: string): DirectoryNotifier | undefined {
    const lib = libc();
    if (!lib) return undefined;
    const fd = lib.inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return undefined; // out of inotify instances: the event-driven watcher still works
    return new DirectoryNotifier(lib, fd, dir, name);
  }

  /**
   * Reads what inotify has queued, without blocking: true when an event names the file (or the
   * queue overflowed, so one may have been lost). About a microsecond when nothing happened.
   */
  poll(): boolean {
    if (this.#closed) return false;
    if (!this.#watching) {
      const now = performance.now();
      if (now - this.#lastRewatch < REWATCH_MS) return false;
      this.#lastRewatch = now;
      this.#watching = this.#watch();
      return false;
    }
    let named = false;
    for (;;) {
      const n = Number(this.#libc.read(this.#fd, ptr(this.#buffer), this.#buffer.byteLength));
      // -1 is EAGAIN (nothing more queued) or an error; either way the event-driven watcher remains.
      if (n <= 0) return named;
      for (let at = 0; at + HEADER_BYTES <= n; ) {
        const mask = this.#view.getUint32(at + 4, true);
        const length = this.#view.getUint32(at + 12, true);
        if (mask & IN_Q_OVERFLOW) named = true;
        if (mask & IN_IGNORED) this.#watching = false; // the directory went away
        if (mask & MASK && this.#names(at + HEADER_BYTES, length)) named = true;
        at += HEADER_BYTES + length;
      }
    }
  }

  /** Stops watching; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#libc.close(this.#fd);
  }

  #watch(): boolean {
    if (!existsSync(this.#dir)) return false;
    return this.#libc.inotify_add_watch(this.#fd, Buffer.from(`${this.#dir}\0`), MASK) >= 0;
  }

  /** Whether the NUL-padded name at `at` (`length` bytes with its padding) is the file's. */
  #names(at: number, length: number): boolean {
    const name = this.#name;
    if (length <= name.length || this.#buffer[at + name.length] !== 0) return false;
    for (let i = 0; i < name.length; i++) if (this.#buffer[at + i] !== name[i]) return false;
    return true;
  }
}
