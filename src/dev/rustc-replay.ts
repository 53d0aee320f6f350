/**
 * Replaying cargo's last rustc command for the hot crate. After an edit to nothing but the crate's
 * own `.rs` files, cargo would decide nothing new: it would run the same rustc command as last
 * time. Running that command directly skips cargo's start-up, fingerprinting and job server, about
 * 50 ms of a 220 ms rebuild here (bench/README.md, "Where edit → running goes"). Whatever cargo
 * would decide differently (a Cargo.toml, the lock file, a dependency's sources, the toolchain, a
 * cargo config, a build script) sends the build back to cargo, which records the command again.
 */
import { copyFileSync, existsSync, linkSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { z } from "zod";

/** A rustc command as cargo ran it: the variables cargo set, the program and its arguments. */
export interface RustcCommand {
  readonly env: Readonly<Record<string, string>>;
  readonly program: string;
  readonly args: readonly string[];
}

/** What a replayed rustc run did; `trusted` is false when cargo should build instead (not a compile error). */
export interface ReplayResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly errors: string;
  readonly trusted: boolean;
}

/** Splits a command line quoted as cargo prints it (POSIX shell words: '…', "…", backslash escapes). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) word += line[i] === "\\" && i + 1 < line.length ? line[++i] : line[i];
      if (i >= line.length) throw new Error(`unterminated " in: ${line}`);
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const ENV_WORD = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/**
 * The rustc command cargo ran for the primary package's cdylib, from `cargo build -vv` output
 * (`Running \`VAR=… rustc …\``); undefined when cargo did not compile it (it was fresh).
 */
export function primaryRustcCommand(cargoOutput: string): RustcCommand | undefined {
  let found: RustcCommand | undefined;
  for (const line of cargoOutput.split("\n")) {
    const running = /^\s*Running `(.*)`\s*$/.exec(line);
    if (!running) continue;
    let words: string[];
    try {
      words = shellWords(running[1]!);
    } catch {
      continue;
    }
    const env: Record<string, string> = {};
    let i = 0;
    for (let m; i < words.length && (m = ENV_WORD.exec(words[i]!)); i++) env[m[1]!] = m[2]!;
    const program = words[i];
    const args = words.slice(i + 1);
    const cdylib = args.some((a, j) => a === "--crate-type" && args[j + 1] === "cdylib");
    if (program && cdylib && env.CARGO_PRIMARY_PACKAGE === "1") found = { env, program, args };
  }
  return found;
}

/** `path:mtime:size` of each file, `path:-` when absent: equal stamps mean unchanged files. */
function stamp(paths: readonly string[]): string {
  return paths
    .map((p) => {
      try {
        const s = statSync(p);
        return `${p}:${s.mtimeMs}:${s.size}`;
      } catch {
        return `${p}:-`;
      }
    })
    .join("\n");
}

/** Files cargo reads to decide a build, other than the sources: configs and toolchain pins up the tree. */
function cargoInputs(workspace: string, manifestDir: string): string[] {
  const files = [join(workspace, "Cargo.toml"), join(workspace, "Cargo.lock"), join(manifestDir, "Cargo.toml")];
  for (let d = workspace; ; d = dirname(d)) {
    files.push(join(d, ".cargo/config.toml"), join(d, ".cargo/config"), join(d, "rust-toolchain"), join(d, "rust-toolchain.toml"));
    if (dirname(d) === d) break;
  }
  const home = process.env.CARGO_HOME ?? join(process.env.HOME ?? "/", ".cargo");
  files.push(join(home, "config.toml"), join(home, "config"));
  return files;
}

/** The source files a dep-info file (rustc's `--emit=dep-info`, make syntax) lists, resolved against `cwd`. */
export function depInfoSources(text: string, cwd: string): string[] {
  const sources: string[] = [];
  for (const line of text.split("\n")) {
    // rustc lists every source as a rule of its own with no prerequisites: `src/lib.rs:`.
    if (line.startsWith("#") || !line.endsWith(":")) continue;
    const path = line.slice(0, -1).replace(/\\(.)/g, "$1");
    sources.push(isAbsolute(path) ? path : resolve(cwd, path));
  }
  return sources;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Bumped when what is saved changes meaning: an older file is then ignored. */
const SAVED_VERSION = 1;

/** A recorded command as saved between sessions: the one description both writing and reading use. */
const SavedSchema = z.object({
  version: z.literal(SAVED_VERSION),
  command: z.object({ env: z.record(z.string(), z.string()), program: z.string(), args: z.array(z.string()) }),
  cwd: z.string(),
  manifestDir: z.string(),
  inputs: z.string(),
});

/** A recorded command as saved between sessions. */
export type SavedRustc = z.infer<typeof SavedSchema>;

/** The summary lines rustc ends a failed or warned build with: not diagnostics of their own. */
const SUMMARY = /^(error: aborting due to|warning: \d+ warnings? emitted)/;

/**
 * A recorded rustc command of the hot crate and what it was recorded against. `covers` says
 * whether a set of changed files can be built by running it again; `run` runs it and, as cargo
 * does, links the library from `deps/` to the profile directory the game watches.
 */
export class RecordedRustc {
  private readonly externs: readonly string[];
  private readonly depInfo = new Map<string, { readonly mtimeMs: number; readonly sources: readonly string[] }>();

  private constructor(
    readonly command: RustcCommand,
    /** Where cargo ran rustc (the workspace root): the command's relative paths start here. */
    readonly cwd: string,
    /** The package's directory (CARGO_MANIFEST_DIR): its `.rs` files are what a replay builds. */
    readonly manifestDir: string,
    private readonly inputs: string,
  ) {
    this.externs = command.args.flatMap((a, i) => (command.args[i - 1] === "--extern" && a.includes("=") ? [resolve(cwd, a.slice(a.indexOf("=") + 1))] : []));
  }

  /**
   * Records `command`, cargo having been run from `cargoCwd`. Undefined when the command cannot be
   * replayed: a crate with a build script (cargo decides when that runs), or a command whose
   * sources cannot be found. A Cargo.toml saved during the build is in the next build's changed
   * files, so a stamp taken now misses nothing the dev runner would build.
   */
  static record(command: RustcCommand, cargoCwd: string): RecordedRustc | undefined {
    const manifestDir = command.env.CARGO_MANIFEST_DIR;
    if (!manifestDir || command.env.OUT_DIR !== undefined) return undefined;
    const source = command.args.find((a) => a.endsWith(".rs") && !a.startsWith("-"));
    if (!source) return undefined;
    // cargo runs rustc in the workspace root, which is where cargo ran or one of its ancestors.
    let cwd: string | undefined;
    for (let d = resolve(cargoCwd); cwd === undefined; d = dirname(d)) {
      if (existsSync(resolve(d, source))) cwd = d;
      else if (dirname(d) === d) return undefined;
    }
    return new RecordedRustc(command, cwd, manifestDir, RecordedRustc.stampInputs(cwd, manifestDir, command.program));
  }

  /** What {@link RecordedRustc.restore} takes back: the command and what it was recorded against. */
  toJSON(): SavedRustc {
    const { env, program, args } = this.command;
    return { version: SAVED_VERSION, command: { env: { ...env }, program, args: [...args] }, cwd: this.cwd, manifestDir: this.manifestDir, inputs: this.inputs };
  }

  /**
   * A command saved by an earlier session ({@link RecordedRustc.toJSON}), if it is well formed and
   * nothing cargo reads changed since (covers() checks the rest at every save).
   */
  static restore(saved: unknown): RecordedRustc | undefined {
    const parsed = SavedSchema.safeParse(saved);
    if (!parsed.success) return undefined;
    const s = parsed.data;
    if (RecordedRustc.stampInputs(s.cwd, s.manifestDir, s.command.program) !== s.inputs) return undefined;
    return new RecordedRustc(s.command, s.cwd, s.manifestDir, s.inputs);
  }

  /** The stamp of everything cargo reads besides sources, for a workspace, package and rustc. */
  private static stampInputs(workspace: string, manifestDir: string, program: string): string {
    return stamp([program, ...cargoInputs(workspace, manifestDir)]);
  }

  /**
   * Whether building `changed` needs nothing but this command again: every changed file is a
   * `.rs` file of this package (not of a package nested in it, nor its build script), no cargo
   * input changed, and every dependency is as new as its sources (a changed path dependency would
   * need cargo to rebuild it first).
   */
  covers(changed: readonly string[]): boolean {
    if (changed.length === 0) return false;
    for (const path of changed) {
      if (!path.endsWith(".rs") || path === join(this.manifestDir, "build.rs")) return false;
      const rel = relative(this.manifestDir, path);
      if (rel.startsWith("..") || isAbsolute(rel)) return false;
      for (let d = dirname(path); d !== this.manifestDir; d = dirname(d)) {
        if (existsSync(join(d, "Cargo.toml"))) return false;
      }
    }
    if (RecordedRustc.stampInputs(this.cwd, this.manifestDir, this.command.program) !== this.inputs) return false;
    return this.externs.every((lib) => this.fresh(lib));
  }

  /** A dependency's library is at least as new as every source its dep-info lists. */
  private fresh(lib: string): boolean {
    let built: number;
    try {
      built = statSync(lib).mtimeMs;
    } catch {
      return false;
    }
    let info = this.depInfo.get(lib);
    if (!info || info.mtimeMs !== built) {
      const file = join(dirname(lib), basename(lib).replace(/^lib/, "").replace(/\.(rlib|rmeta|so)$/, ".d"));
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return false;
      }
      info = { mtimeMs: built, sources: depInfoSources(text, this.cwd) };
      this.depInfo.set(lib, info);
    }
    return info.sources.every((source) => {
      try {
        return statSync(source).mtimeMs <= built;
      } catch {
        return false;
      }
    });
  }

  /** Runs the command; on success links the library into the profile directory, as cargo's uplift does. */
  async run(): Promise<ReplayResult> {
    const { env, program, args } = this.command;
    const start = performance.now();
    const proc = Bun.spawn([program, ...args], { cwd: this.cwd, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    const diagnostics: string[] = [];
    const linked: string[] = []; // the cdylib, and the rlib too for crate-type = ["cdylib", "rlib"]
    let compileError = false;
    for (const line of stderr.split("\n")) {
      if (!line.startsWith("{")) continue;
      let message: { $message_type?: string; level?: string; rendered?: string; spans?: unknown[]; artifact?: string; emit?: string };
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      if (message.$message_type === "artifact" && message.emit === "link" && message.artifact) linked.push(message.artifact);
      if (message.$message_type !== "diagnostic" || !message.rendered) continue;
      const rendered = stripAnsi(message.rendered).trim();
      if ((message.level === "error" || message.level === "warning") && !SUMMARY.test(rendered)) diagnostics.push(rendered);
      if (message.level === "error" && (message.spans?.length ?? 0) > 0) compileError = true;
    }
    if (code === 0 && linked.length > 0) {
      for (const artifact of linked) this.uplift(resolve(this.cwd, artifact));
      return { ok: true, ms: performance.now() - start, errors: "", trusted: true };
    }
    // A failure with no error in the code (a dependency gone, rustc itself failing) is cargo's to explain.
    const errors = diagnostics.length ? diagnostics.join("\n") : stderr.trim().split("\n").slice(-10).join("\n");
    return { ok: false, ms: performance.now() - start, errors, trusted: code !== 0 && compileError };
  }

  /** `target/<profile>/deps/libX.so` → `target/<profile>/libX.so`, by a hard link renamed into place (one new inode). */
  private uplift(library: string): void {
    const deps = dirname(library);
    if (basename(deps) !== "deps") return;
    const dest = join(dirname(deps), basename(library));
    const temp = `${dest}.hotloop-${process.pid}`;
    rmSync(temp, { force: true });
    try {
      linkSync(library, temp);
    } catch {
      copyFileSync(library, temp);
    }
    renameSync(temp, dest);
  }
}
