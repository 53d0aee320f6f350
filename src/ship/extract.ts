/**
 * The native parts of a released game (the hot library, raylib, the shim) travel inside its
 * executable and must be real files to be dlopened. They are written out once per content hash
 * to a private per-user directory, checked against the hash the release recorded before every
 * load, and reused by the next launch: a second launch writes nothing. A copy that does not match
 * (cut short, flipped, replaced) is written again from the executable, never loaded as it is.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

/** A file embedded in the executable (`with { type: "file" }`), with what the release recorded of it. */
export interface EmbeddedFile {
  /** The name it is written out under (the library's own file name). */
  readonly name: string;
  /** Where the executable serves it (`/$bunfs/…`), or any readable path (a static run's build output). */
  readonly path: string;
  /** The SHA-256 of its bytes (hex), recorded by `hotloop release`. */
  readonly sha256: string;
}

/** Why a native part cannot be written out or trusted: one line, with the path. */
export class ExtractError extends Error {
  /** `"ExtractError"`. */
  override name = "ExtractError";
}

/** The SHA-256 (hex) of some bytes. */
export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/**
 * The game's private per-user directory: `$XDG_DATA_HOME/<game>` (an absolute XDG_DATA_HOME), else
 * `~/.local/share/<game>`, else (no home) `<tmp>/<game>-<uid>`. Made 0700 when missing; one that is
 * not a real directory of this user's, or that others may write to, is refused.
 */
export function gameDataDir(game: string): string {
  const xdg = process.env.XDG_DATA_HOME;
  const home = process.env.HOME || safeHomedir();
  const base = xdg && isAbsolute(xdg) ? xdg : home ? join(home, ".local/share") : undefined;
  const dir = base ? join(base, game) : join(tmpdir(), `${game}-${process.getuid?.() ?? "user"}`);
  return privateDir(dir);
}

function safeHomedir(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}

/** Makes `dir` (0700) if missing and checks that it is a real directory of ours that only we can write. */
export function privateDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new ExtractError(`cannot make ${dir}: ${(e as Error).message}`);
  }
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new ExtractError(`${dir} is not a directory (a link or a file is in its place): remove it`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new ExtractError(`${dir} belongs to another user: remove it`);
  if ((st.mode & 0o022) !== 0) chmodSync(dir, 0o700); // ours, but others could write in it
  return dir;
}

/** What {@link extractVerified} did with one file: reused a good copy, or wrote it (first launch, or a bad copy replaced). */
export type ExtractOutcome = "reused" | "written" | "repaired";

/**
 * Writes each embedded file to `dir/<sha256 prefix>/<name>` unless a copy with the recorded hash
 * is there; checks every copy it returns against the recorded hash (the executable's own bytes
 * too, before they are written). `together`: all files in one folder, keyed by the whole set (a
 * font beside its image, a map beside its tiles: assets that name each other). When anything was
 * written, the folders of other sets (an older version of the game) are removed. Returns each
 * file's absolute path and what was done.
 */
export function extractVerified(
  files: readonly EmbeddedFile[],
  dir: string,
  together = false,
): {
  /** Each file's checked copy, by its name. */
  paths: Record<string, string>;
  /** What was done with each file, by its name. */
  outcomes: Record<string, ExtractOutcome>;
} {
  const paths: Record<string, string> = {};
  const outcomes: Record<string, ExtractOutcome> = {};
  if (files.length === 0) return { paths, outcomes };
  const setKey = sha256(new TextEncoder().encode(files.map((f) => `${f.name}\0${f.sha256}`).join("\n"))).slice(0, 16);
  const keys = new Set<string>();
  for (const file of files) {
    const key = together ? setKey : file.sha256.slice(0, 16);
    keys.add(key);
    const home = privateDir(join(dir, key));
    const target = join(home, file.name);
    if (file.name.includes("/")) mkdirSync(dirname(target), { recursive: true, mode: 0o700 }); // an asset in a subfolder
    let outcome: ExtractOutcome = "written";
    if (existsSync(target)) {
      if (matches(target, file.sha256)) {
        paths[file.name] = target;
        outcomes[file.name] = "reused";
        continue;
      }
      outcome = "repaired";
    }
    const bytes = readEmbedded(file);
    if (sha256(bytes) !== file.sha256) throw new ExtractError(`${file.name}: the executable's own copy does not match the hash its release recorded (the file is damaged: download the game again)`);
    // A fresh name (created exclusively: never through a file or link already there), then a rename
    // over the target: a launch that dies mid-write leaves no half file under the real name.
    const temp = `${target}.${crypto.randomUUID()}.tmp`;
    try {
      writeFileSync(temp, bytes, { mode: 0o500, flag: "wx" });
      renameSync(temp, target);
    } catch (e) {
      rmSync(temp, { force: true });
      throw new ExtractError(`cannot write ${target}: ${(e as Error).message}`);
    }
    if (!matches(target, file.sha256)) throw new ExtractError(`${target}: the copy just written does not match its hash (a full disk?)`);
    paths[file.name] = target;
    outcomes[file.name] = outcome;
  }
  if (Object.values(outcomes).some((o) => o !== "reused")) removeOtherSets(dir, keys);
  return { paths, outcomes };
}

/** Removes the hash folders under `dir` that are not `keep` (an older version's parts, temp files of a killed launch). */
function removeOtherSets(dir: string, keep: ReadonlySet<string>): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!keep.has(name) && /^[0-9a-f]{16}$/.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function matches(path: string, expected: string): boolean {
  try {
    return sha256(readFileSync(path)) === expected;
  } catch {
    return false;
  }
}

function readEmbedded(file: EmbeddedFile): Uint8Array {
  try {
    return readFileSync(file.path);
  } catch (e) {
    throw new ExtractError(`${file.name}: cannot read it from the executable (${(e as Error).message})`);
  }
}
