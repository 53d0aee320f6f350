/**
 * `hotloop release`: one executable that runs the game on a player's machine with nothing
 * installed. It holds the game's TypeScript and hotloop's runtime (`bun build --compile`), and
 * embeds the release build of the hot library, raylib and its shim, and the headless key script;
 * at launch src/ship/player.ts writes the native parts out, checks them against the hashes
 * recorded here, and runs the game.
 *
 * The entry it compiles is generated into `.hotloop/release/` of the project (static imports
 * only: `bun build` bundles what it can see, and a game loaded by a computed path would not be).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ensureRaylib, RaylibSetupError } from "../render/build-raylib.ts";
import type { Reporter } from "../hot/report.ts";
import { sha256, type EmbeddedFile } from "../ship/extract.ts";
import { buildProject } from "./build.ts";
import { ProjectError, type Project } from "./project.ts";
import { spawnChild } from "./children.ts";

/** The one target a release can be made for here: the host's (the native parts are built for it). */
export const HOST_TARGET = `${process.platform}-${process.arch}`;

/** Options of {@link releaseProject}. */
export interface ReleaseOptions {
  /** The directory the executable is written to (default `<project>/dist`). */
  readonly out?: string;
  /** A Bun compile target (`bun-linux-x64`, `linux-x64`): only the host's is supported. */
  readonly target?: string;
  readonly report: Reporter;
  /** Leave raylib out: a game that never opens a window (a server, a simulation). */
  readonly noWindow?: boolean;
  /** Pack raylib only if it can be had (`hotloop static` where no window will open). */
  readonly windowIfFound?: boolean;
}

/** What went into a release. */
export interface ReleaseResult {
  readonly file: string;
  readonly bytes: number;
  /** The embedded parts and their sizes (the rest is Bun's runtime and the bundled JavaScript). */
  readonly parts: readonly { readonly name: string; readonly bytes: number }[];
  /** The newest glibc symbol version the native parts need (`2.35`): a player's system must have it. Undefined where readelf is missing. */
  readonly glibc: string | undefined;
  readonly ms: number;
}

/**
 * The `bun build` command line of a release. A released game must not read a `bunfig.toml`
 * (its `preload` would run code from wherever the player starts the game) or a `.env` from the
 * player's directory: Bun's compiled programs do both unless told not to. A `--target` (the host's
 * platform, e.g. its `-baseline` build for older CPUs) goes to Bun as given.
 */
export function compileArgs(entry: string, file: string, target?: string): string[] {
  const args = ["build", "--compile", "--no-compile-autoload-bunfig", "--no-compile-autoload-dotenv", entry, "--outfile", file];
  if (target !== undefined) args.push(`--target=${target.startsWith("bun-") ? target : `bun-${target}`}`);
  return args;
}

/** Refuses a target other than the host's, with what it would need. */
export function checkTarget(target: string | undefined): void {
  if (target === undefined) return;
  const wanted = target.replace(/^bun-/, "").replace(/-(baseline|modern)$/, "");
  if (wanted === HOST_TARGET) return;
  throw new ProjectError(
    `--target ${target}: only this machine's target (${HOST_TARGET}) can be released from here: Bun can compile the TypeScript for ${wanted}, but the hot library and raylib are native code; a release for ${wanted} needs the crate built for that Rust target and a raylib built for it (build the release on a ${wanted} machine)`,
  );
}

/** What a release packs: the game's parts as files on this machine, with their hashes. */
interface ReleaseParts {
  /** The native parts and the key script, by role (`library`, `raylib`, `shim`, `script`). */
  readonly embedded: Readonly<Record<string, EmbeddedFile>>;
  readonly assets: readonly EmbeddedFile[];
  readonly version: string;
}

/**
 * Builds what a release packs, as files on this machine: the release build of the hot library
 * (fat LTO), raylib and the shim (unless `window` is "none"; "if-found" leaves them out when
 * raylib cannot be had), the key script, the asset folder (its literal names checked).
 */
async function releaseParts(project: Project, options: { report: Reporter; window: "required" | "if-found" | "none" }): Promise<ReleaseParts> {
  const embedded: Record<string, EmbeddedFile> = {};
  const embed = (key: string, source: string) => {
    embedded[key] = { name: basename(source), path: source, sha256: sha256(readFileSync(source)) };
  };
  if (project.crate) {
    const built = await buildProject(project, { profile: "release", report: options.report });
    if (!built.ok) throw new ProjectError(`the release build of ${project.crate.package} failed: fix the errors above`);
    embed("library", project.library("release"));
  }
  if (options.window !== "none") {
    try {
      const rl = await ensureRaylib();
      embed("raylib", rl.raylib);
      embed("shim", rl.shim);
    } catch (e) {
      if (!(e instanceof RaylibSetupError)) throw e;
      if (options.window === "required") throw new ProjectError(`raylib for the release: ${e.message} (or --no-window for a game without one)`);
    }
  }
  if (project.script) embed("script", project.script);
  const assets = assetFiles(project);
  checkAssetReferences(project, new Set(assets.map((a) => a.name)));
  const pkg = JSON.parse(readFileSync(join(project.root, "package.json"), "utf8")) as { version?: string };
  return { embedded, assets, version: pkg.version ?? "0.0.0" };
}

/** Builds the release and packs it into one executable. */
export async function releaseProject(project: Project, options: ReleaseOptions): Promise<ReleaseResult> {
  checkTarget(options.target);
  const started = performance.now();
  const window = options.noWindow ? "none" : options.windowIfFound ? "if-found" : "required";
  const { embedded, assets, version } = await releaseParts(project, { report: options.report, window });
  const dir = join(project.root, ".hotloop", "release");
  mkdirSync(dir, { recursive: true });
  const stem = basename(project.name); // a scoped name (@studio/game): its last part
  const entry = join(dir, `${stem}.ts`);
  writeFileSync(entry, entrySource(project, version, embedded, assets));

  const out = resolve(options.out ?? join(project.root, "dist"));
  mkdirSync(out, { recursive: true });
  const file = join(out, stem);
  // Bun's own bundler and compiler: the running bun, so the release is made by the Bun that ran the
  // game in dev. Not minified: resources are keyed by their class's name (`Input`, `Time`), and
  // minifying saved 0.1 of 107 MB (bench `release`: Bun's runtime is most of the file).
  const proc = spawnChild([process.execPath, ...compileArgs(entry, file, options.target)], { cwd: project.root, env: process.env });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) {
    const why = (stderr || stdout).trim().split("\n").filter(Boolean).slice(-6).join("\n");
    throw new ProjectError(`bun build --compile of ${project.show(entry)} failed:\n${why}`);
  }
  const parts = Object.values(embedded).map((e) => ({ name: e.name, bytes: statSync(e.path).size }));
  if (assets.length) parts.push({ name: `${assets.length} asset${assets.length === 1 ? "" : "s"}`, bytes: assets.reduce((n, a) => n + statSync(a.path).size, 0) });
  return { file, bytes: statSync(file).size, parts, glibc: glibcFloor(Object.values(embedded).map((e) => e.path)), ms: performance.now() - started };
}

/** The entry `bun build --compile` makes the executable from. */
function entrySource(project: Project, version: string, embedded: Readonly<Record<string, EmbeddedFile>>, assets: readonly EmbeddedFile[]): string {
  const lines = [
    "// @generated by `hotloop release`: the executable's entry. Do not edit; it is written again on every release.",
    `import game from ${JSON.stringify(project.entry)};`,
    'import { runShippedGame } from "hotloop/ship";',
  ];
  for (const [key, file] of Object.entries(embedded)) lines.push(`import ${key}Path from ${JSON.stringify(file.path)} with { type: "file" };`);
  assets.forEach((a, i) => lines.push(`import asset${i} from ${JSON.stringify(a.path)} with { type: "file" };`));
  // An EmbeddedFile as source: its path is the imported binding (`/$bunfs/…` in the executable).
  const literal = (e: EmbeddedFile, pathBinding: string) => `{ name: ${JSON.stringify(e.name)}, path: ${pathBinding}, sha256: ${JSON.stringify(e.sha256)} }`;
  const file = (key: string) => literal(embedded[key]!, `${key}Path`);
  const fields = [`name: ${JSON.stringify(project.name)}`, `version: ${JSON.stringify(version)}`];
  if (embedded.library) fields.push(`library: ${file("library")}`);
  if (embedded.raylib) fields.push(`raylib: { raylib: ${file("raylib")}, shim: ${file("shim")} }`);
  if (embedded.script) fields.push("script: scriptPath");
  if (assets.length) fields.push(`assets: [${assets.map((a, i) => literal(a, `asset${i}`)).join(", ")}]`);
  lines.push("", `process.exit(await runShippedGame(game, { ${fields.join(", ")} }));`, "");
  return lines.join("\n");
}



/** Every file under the project's asset folder, by its name there (`sprites/ship.png`). */
function assetFiles(project: Project): EmbeddedFile[] {
  if (!existsSync(project.assets)) return [];
  return readdirSync(project.assets, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || (entry.isSymbolicLink() && isFileThrough(join(entry.parentPath, entry.name))))
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { name: relative(project.assets, path).split(sep).join("/"), path, sha256: sha256(readFileSync(path)) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Where a game's source names an asset with a literal: `loadTexture(<app>, <name>, "file")`, a
 * RaylibPlugin's `icon: "file"`, and `sounds.load("file")` / `music.load("file")` of the Audio
 * resource (quotes or backticks without `${`).
 */
const ASSET_NAMES = [
  /\bloadTexture\(\s*[^,()]+,\s*[^,()]+,\s*(["'`])([^"'`$]+)\1/g,
  /\bicon\s*:\s*(["'`])([^"'`$]+)\1/g,
  /\b(?:sounds|music)\.load\(\s*(["'`])([^"'`$]+)\1/g,
];

/** `text` with its comments blanked (kept to the same length and lines, so places stay right); strings are left alone. */
export function blankComments(text: string): string {
  return text.replace(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str: string | undefined) => (str !== undefined ? m : m.replace(/[^\n]/g, " ")));
}

/**
 * Refuses a release whose game's source names an asset the asset folder does not have, or names
 * one by an absolute path (which would not travel with the game): one line with the file and
 * line, at release time rather than when a player reaches that level. Only literal names can be
 * seen (comments are not read); a name computed at run time is found missing when it is loaded.
 */
export function checkAssetReferences(project: Project, names: ReadonlySet<string>): void {
  const src = dirname(project.entry);
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|tsx|js|mjs)$/.test(entry.name) || /\.test\.|\.spec\./.test(entry.name) || entry.parentPath.split(sep).includes("node_modules")) continue;
    const file = join(entry.parentPath, entry.name);
    const text = blankComments(readFileSync(file, "utf8"));
    for (const pattern of ASSET_NAMES) {
      for (const m of text.matchAll(pattern)) {
        const name = m[2]!.replace(/^\.\//, "");
        const line = text.slice(0, m.index).split("\n").length;
        const at = `${project.show(file)}:${line}`;
        if (isAbsolute(name)) throw new ProjectError(`${at}: ${JSON.stringify(name)} is an absolute path, which a released game does not carry: put the file in ${project.show(project.assets)}/ and name it from there`);
        if (!names.has(name)) throw new ProjectError(`${at}: the game names the asset ${JSON.stringify(name)}, which is not in ${project.show(project.assets)}/: add the file, or fix the name`);
      }
    }
  }
}

/**
 * The newest `GLIBC_x.y` any of these ELF files asks for (from `readelf -V`, binutils, which a
 * machine that builds Rust and C has): the oldest glibc a player's Linux may have. Bun's own
 * runtime needs 2.17; raylib and the hot library built here usually need more.
 */
export function glibcFloor(files: readonly string[]): string | undefined {
  const readelf = Bun.which("readelf");
  if (!readelf) return undefined;
  let best: number[] | undefined;
  for (const file of files) {
    const r = Bun.spawnSync([readelf, "-V", "-W", file], { stdout: "pipe", stderr: "ignore" });
    if (!r.success) continue;
    for (const m of r.stdout.toString().matchAll(/GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)) {
      const v = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
      if (!best || v[0]! > best[0]! || (v[0] === best[0] && (v[1]! > best[1]! || (v[1] === best[1] && v[2]! > best[2]!)))) best = v;
    }
  }
  return best ? best.slice(0, best[2] ? 3 : 2).join(".") : undefined;
}

/** Whether `path` (a symlink) leads to a file. */
function isFileThrough(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
