import { dlopen, FFIType, linkSymbols, ptr, read, toArrayBuffer, type Pointer } from "bun:ffi";
import { ManifestError, parseManifest, type Manifest } from "./manifest.ts";
import { HOTLOOP_ABI_VERSION } from "./manifest.ts";
import { libc } from "./libc.ts";

/** A system's entry point: `(ctx: *const u64) -> i32`, 0 returned, 1 panicked. */
export type SystemEntry = (ctx: Pointer) => number;

const EXPORTS = {
  hotloop_abi_version: { args: [], returns: FFIType.u32 },
  hotloop_manifest: { args: [], returns: FFIType.ptr },
  hotloop_system_table: { args: [], returns: FFIType.ptr },
  hotloop_system_count: { args: [], returns: FFIType.u32 },
  hotloop_load: { args: [FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
  hotloop_unload: { args: [], returns: FFIType.i32 },
  hotloop_set_abort_flag: { args: [FFIType.ptr], returns: FFIType.void },
  hotloop_last_error: { args: [FFIType.ptr, FFIType.u64], returns: FFIType.u64 },
  hotloop_run_systems: { args: [FFIType.ptr, FFIType.u32, FFIType.ptr], returns: FFIType.u32 },
} as const;

/**
 * `hotloop_run_systems(list, count, watch)`: runs `count` entries `[entry, ctx, number]` (u64
 * words) in order in one FFI call, stopping after the first that panicked; returns its index,
 * or `count` (docs/abi.md, "Runs of systems").
 */
export type RunSystems = (list: Pointer, count: number, watch: Pointer) => number;

const ERROR_BUFFER_BYTES = 16 * 1024;

/** Why a library could not be opened or read; the reloader prefixes the file name. */
export class LibraryError extends Error {
  override name = "LibraryError";
}

/**
 * One opened hot library: its manifest and one callable entry per system, resolved once when it
 * is opened (no symbol lookup per call). Closing it invalidates every entry.
 */
export class HotLibrary {
  readonly manifest: Manifest;
  readonly #lib: ReturnType<typeof dlopen<typeof EXPORTS>>;
  readonly #entries: Map<string, SystemEntry>;
  /** The entries' addresses, for run lists. */
  readonly #addresses = new Map<string, number>();
  /** This library's runner of run lists (any library's runs any entries: they are plain function pointers). */
  readonly runSystems: RunSystems;
  readonly #linked: { close(): void };
  readonly #errorBuffer = new Uint8Array(new ArrayBuffer(ERROR_BUFFER_BYTES));
  #closed = false;

  /**
   * Opens `path` (a shadow copy, or the build output in static mode) and reads its manifest.
   * Throws LibraryError (cannot open: maybe a file still being written) or ManifestError (a
   * refusal: not a hotloop library, another ABI version, a bad manifest).
   */
  constructor(
    readonly path: string,
    /** The file it was copied from (the build output), for messages. */
    readonly source: string,
    /** Content hash of the image, to ignore rewrites with identical bytes. */
    readonly hash: string,
  ) {
    try {
      this.#lib = dlopen(path, EXPORTS);
    } catch (e) {
      throw openError(path, (e as Error).message);
    }
    try {
      const abi = this.#lib.symbols.hotloop_abi_version();
      if (abi !== HOTLOOP_ABI_VERSION) throw abiMismatch(abi);
      const manifestPtr = this.#lib.symbols.hotloop_manifest();
      if (!manifestPtr) throw new ManifestError("hotloop_manifest returned null (the SDK panicked while building it)");
      this.manifest = parseManifest(manifestText(manifestPtr as Pointer));
      // The table's length is part of the ABI: a table shorter than the manifest would be read past its end.
      const count = this.#lib.symbols.hotloop_system_count();
      if (count !== this.manifest.systems.length) {
        throw new ManifestError(`the system table has ${count} entries but the manifest lists ${this.manifest.systems.length} systems`);
      }
      const table = this.#lib.symbols.hotloop_system_table();
      if (!table && this.manifest.systems.length) throw new ManifestError("hotloop_system_table returned null");
      // Linked under keys of our own (s0, s1, …), never the systems' names: a name such as
      // `__proto__` or `toString` would be a property of the object rather than an entry of it.
      const defs: Record<string, { ptr: Pointer; args: [typeof FFIType.ptr]; returns: typeof FFIType.i32 }> = Object.create(null);
      this.manifest.systems.forEach((s, i) => {
        const fn = read.ptr(table!, i * 8) as Pointer;
        if (!fn) throw new ManifestError(`system table entry ${i} (${s.name}) is null`);
        this.#addresses.set(s.name, fn);
        defs[`s${i}`] = { ptr: fn, args: [FFIType.ptr], returns: FFIType.i32 };
      });
      // A library with no systems (only on_load, or emptied while the game runs) is a library too:
      // linkSymbols refuses an empty list, so there is nothing to link.
      const linked = this.manifest.systems.length > 0 ? linkSymbols(defs) : { symbols: {} as Record<string, unknown>, close() {} };
      this.#linked = linked;
      this.#entries = new Map(this.manifest.systems.map((s, i) => [s.name, linked.symbols[`s${i}`] as SystemEntry]));
      this.runSystems = this.#lib.symbols.hotloop_run_systems as RunSystems;
    } catch (e) {
      this.#lib.close();
      throw e;
    }
  }

  /** The system's entry point, or undefined if the library does not export it. */
  entry(name: string): SystemEntry | undefined {
    return this.#entries.get(name);
  }

  /** The address of the system's entry point (for a run list), or undefined. */
  entryAddress(name: string): number | undefined {
    return this.#addresses.get(name);
  }

  /** Runs the SDK's load step and the user's `on_load` with the host memory; returns the panic text or undefined. */
  load(hostMemory: Uint8Array): string | undefined {
    const rc = this.#lib.symbols.hotloop_load(ptr(hostMemory), hostMemory.byteLength);
    return rc === 0 ? undefined : this.lastError() || "load hook panicked";
  }

  /** Hands the library the watchdog's abort byte (it stays valid while the library is open). */
  setAbortFlag(flag: Pointer): void {
    this.#lib.symbols.hotloop_set_abort_flag(flag);
  }

  /** Runs the user's `on_unload`; returns the panic text or undefined. */
  unload(): string | undefined {
    const rc = this.#lib.symbols.hotloop_unload();
    return rc === 0 ? undefined : this.lastError() || "unload hook panicked";
  }

  /** The text of the last panic in this library (cleared by reading), as one line (see {@link panicLine}). */
  lastError(): string {
    this.#errorBuffer.fill(0); // only what the library writes now can be shown
    const n = Number(this.#lib.symbols.hotloop_last_error(ptr(this.#errorBuffer), ERROR_BUFFER_BYTES));
    return panicLine(this.#errorBuffer.subarray(0, Math.min(n, ERROR_BUFFER_BYTES)), n);
  }

  /** Whether `close()` ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Frees the entries and dlcloses the library. Nothing of it may be called afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#linked.close();
    this.#lib.close();
  }
}

/** The longest manifest read, in bytes: a library claiming more is refused rather than scanned. */
export const MAX_MANIFEST_BYTES = 1 << 20;

/**
 * The manifest's text: the bytes up to the NUL, at most MAX_MANIFEST_BYTES, strictly UTF-8 (a
 * string decoded leniently would carry replacement characters into names the host matches on).
 */
function manifestText(at: Pointer): string {
  const length = manifestLength(at);
  if (length > MAX_MANIFEST_BYTES) throw new ManifestError(`the manifest is longer than ${MAX_MANIFEST_BYTES} bytes (no NUL within them): not read`);
  const bytes = new Uint8Array(toArrayBuffer(at, 0, length));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return invalidUtf8(bytes);
  }
}

/** Bytes before the NUL at `at`, counting no further than MAX_MANIFEST_BYTES + 1: one strnlen where libc is at hand. */
function manifestLength(at: Pointer): number {
  const strnlen = libc()?.strnlen;
  if (strnlen) return Number(strnlen(at, MAX_MANIFEST_BYTES + 1));
  let length = 0;
  while (length <= MAX_MANIFEST_BYTES && read.u8(at, length) !== 0) length++;
  return length;
}

/** Refuses `bytes` (known not to be UTF-8), naming where the first bad sequence starts. */
function invalidUtf8(bytes: Uint8Array): never {
  // The longest valid prefix, by bisection (a prefix cut inside a character counts as valid when
  // streaming): O(n log n), where trying every prefix would take a 1 MiB manifest minutes.
  const valid = (end: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (valid(mid)) good = mid;
    else bad = mid;
  }
  throw new ManifestError(`the manifest is not valid UTF-8 (at byte ${good})`);
}

/** How many characters of a panic's text a report shows. */
const PANIC_TEXT_CHARS = 600;

/**
 * A panic's text as one line: line breaks shown as ` ⏎ `, other control characters escaped, cut
 * on a character boundary after PANIC_TEXT_CHARS characters (or where the buffer ended) and then
 * marked as cut with the full length. `total` is the length the library reported, in bytes.
 */
export function panicLine(written: Uint8Array, total: number): string {
  // The text ends at its first NUL: a library that claims more than it wrote (2^40 bytes) shows
  // only what it wrote, never the zeroes of the host's buffer behind it.
  const nul = written.indexOf(0);
  const bytes = nul >= 0 ? written.subarray(0, nul) : written;
  // stream: true holds back a character cut in half at the end instead of decoding it as U+FFFD.
  const text = new TextDecoder().decode(bytes, { stream: true });
  const oneLine = text
    .replace(/\r?\n/g, " ⏎ ")
    .replace(/[\u0000-\u001f\u007f]/g, (c) => (c === "\t" ? " " : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
  const chars = [...oneLine];
  const cut = chars.length > PANIC_TEXT_CHARS || total > bytes.length;
  const shown = chars.length > PANIC_TEXT_CHARS ? chars.slice(0, PANIC_TEXT_CHARS).join("") : oneLine;
  return cut ? `${shown}… (cut: ${total} bytes in all)` : shown;
}

/**
 * Turns a failed dlopen into one line without the shadow copy's path (the reloader names the build
 * output). A library lacking an export is refused at once (waiting will not add it), unless its
 * `hotloop_abi_version` says it speaks another ABI, which is then the clearer reason: a future ABI
 * may well have different exports. Anything else may be a file still being written: retryable.
 */
function openError(path: string, message: string): LibraryError | ManifestError {
  const missing = /undefined symbol: (\w+)|symbol "?(\w+)"? not found/i.exec(message);
  if (missing) {
    const abi = probeAbiVersion(path);
    if (abi !== undefined && abi !== HOTLOOP_ABI_VERSION) return abiMismatch(abi);
    return new ManifestError(`not a hotloop library: it lacks ${missing[1] ?? missing[2]} (build it with hotloop_sdk::export!)`);
  }
  // Bun says `Failed to open library "<path>": <the loader's own words>`; the loader's words name
  // what is wrong (a missing dependency by its name), so they are kept whole, the path left out.
  const loader = message.replace(/^Failed to open library "[^"]*":\s*/, "").replace(`${path}: `, "").trim();
  const dependency = /^([^:\s]+\.so[^:\s]*): cannot open shared object file/.exec(loader);
  if (dependency) return new LibraryError(`it needs ${dependency[1]}, which is not installed or not on the loader's path (${loader})`);
  if (/invalid ELF header|file too short|not a dynamic|wrong ELF class|mach-o|not a valid/i.test(message)) {
    return new LibraryError(`not a loadable shared library (${loader})`);
  }
  return new LibraryError(`dlopen failed: ${loader}`);
}

/** `hotloop_abi_version()` of a library that failed the full dlopen, or undefined when it has none. */
function probeAbiVersion(path: string): number | undefined {
  try {
    const lib = dlopen(path, { hotloop_abi_version: EXPORTS.hotloop_abi_version });
    try {
      return lib.symbols.hotloop_abi_version();
    } finally {
      lib.close();
    }
  } catch {
    return undefined;
  }
}

function abiMismatch(abi: number): ManifestError {
  return new ManifestError(`SDK ABI version ${abi} does not match the host's ${HOTLOOP_ABI_VERSION}: rebuild the library against this hotloop`);
}
