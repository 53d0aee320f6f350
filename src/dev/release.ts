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
import type { ShippedGame } from "../ship/player.ts";
import { buildProject } from "./build.ts";
import { ProjectError, type Project } from "./project.ts";

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
}

/** What went into a release. */
export interface ReleaseResult {
  readonly file: string;
  readonly bytes: number;
  /** The embedded parts and their sizes (the rest is Bun's runtime and the bundled JavaScript). */
  readonly parts: readonly { readonly name: string; readonly bytes: number }[];
  readonly ms: number;
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
export interface ReleaseParts {
  /** The native parts and the key script, by role (`library`, `raylib`, `shim`, `script`). */
  readonly embedded: Readonly<Record<string, EmbeddedFile>>;
  readonly assets: readonly EmbeddedFile[];
  readonly version: string;
}

/**
 * Builds what a release packs, as files on this machine: the release build of the hot library
 * (fat LTO), raylib and the shim (unless `window` is "none"; "if-found" leaves them out when
 * raylib cannot be had), the key script, the asset folder (its literal names checked). `hotloop
 * release` embeds these; `hotloop static` runs them through the released game's own main.
 */
export async function releaseParts(project: Project, options: { report: Reporter; window: "required" | "if-found" | "none" }): Promise<ReleaseParts> {
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

/** The {@link ShippedGame} of some parts (a static run's, or the one a release's entry writes out). */
export function shippedGame(project: Project, parts: ReleaseParts): ShippedGame {
  const e = parts.embedded;
  return {
    name: project.name,
    version: parts.version,
    library: e.library,
    raylib: e.raylib && e.shim ? { raylib: e.raylib, shim: e.shim } : undefined,
    script: e.script?.path,
    assets: parts.assets,
  };
}

/** Builds the release and packs it into one executable. */
export async function releaseProject(project: Project, options: ReleaseOptions): Promise<ReleaseResult> {
  checkTarget(options.target);
  const started = performance.now();
  const { embedded, assets, version } = await releaseParts(project, { report: options.report, window: options.noWindow ? "none" : "required" });
  const dir = join(project.root, ".hotloop", "release");
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `${project.name}.ts`);
  writeFileSync(entry, entrySource(project, version, embedded, assets));

  const out = resolve(options.out ?? join(project.root, "dist"));
  mkdirSync(out, { recursive: true });
  const file = join(out, project.name);
  // Bun's own bundler and compiler: the running bun, so the release is made by the Bun that ran the
  // game in dev. Not minified: resources are keyed by their class's name (`Input`, `Time`), and
  // minifying saved 0.1 of 107 MB (bench `release`: Bun's runtime is most of the file).
  const proc = Bun.spawn([process.execPath, "build", "--compile", entry, "--outfile", file], { cwd: project.root, stdout: "pipe", stderr: "pipe", env: process.env });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) {
    const why = (stderr || stdout).trim().split("\n").filter(Boolean).slice(-6).join("\n");
    throw new ProjectError(`bun build --compile of ${project.show(entry)} failed:\n${why}`);
  }
  const parts = Object.values(embedded).map((e) => ({ name: e.name, bytes: statSync(e.path).size }));
  if (assets.length) parts.push({ name: `${assets.length} asset${assets.length === 1 ? "" : "s"}`, bytes: assets.reduce((n, a) => n + statSync(a.path).size, 0) });
  return { file, bytes: statSync(file).size, parts, ms: performance.now() - started };
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
  const file = (key: string) => {
    const e = embedded[key]!;
    return `{ name: ${JSON.stringify(e.name)}, path: ${key}Path, sha256: ${JSON.stringify(e.sha256)} }`;
  };
  const fields = [`name: ${JSON.stringify(project.name)}`, `version: ${JSON.stringify(version)}`];
  if (embedded.library) fields.push(`library: ${file("library")}`);
  if (embedded.raylib) fields.push(`raylib: { raylib: ${file("raylib")}, shim: ${file("shim")} }`);
  if (embedded.script) fields.push("script: scriptPath");
  if (assets.length) fields.push(`assets: [${assets.map((a, i) => `{ name: ${JSON.stringify(a.name)}, path: asset${i}, sha256: ${JSON.stringify(a.sha256)} }`).join(", ")}]`);
  lines.push("", `process.exit(await runShippedGame(game, { ${fields.join(", ")} }));`, "");
  return lines.join("\n");
}



/** Every file under the project's asset folder, by its name there (`sprites/ship.png`). */
function assetFiles(project: Project): EmbeddedFile[] {
  if (!existsSync(project.assets)) return [];
  return readdirSync(project.assets, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { name: relative(project.assets, path).split(sep).join("/"), path, sha256: sha256(readFileSync(path)) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `loadTexture(app, "name", "file")` with a literal file: what a game's source says it will load. */
const ASSET_CALL = /\bloadTexture\(\s*[^,]+,\s*["'][^"']*["']\s*,\s*["']([^"']+)["']/g;

/**
 * Refuses a release whose game's source names an asset the asset folder does not have: one line
 * with the file and line, at release time rather than when a player reaches that level. Only
 * literal names can be seen; a name computed at run time is found missing when it is loaded.
 */
export function checkAssetReferences(project: Project, names: ReadonlySet<string>): void {
  const src = dirname(project.entry);
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|tsx|js|mjs)$/.test(entry.name) || entry.parentPath.split(sep).includes("node_modules")) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(ASSET_CALL)) {
      const name = m[1]!.replace(/^\.\//, "");
      if (isAbsolute(name) || names.has(name)) continue;
      const line = text.slice(0, m.index).split("\n").length;
      throw new ProjectError(`${project.show(file)}:${line}: loadTexture names ${JSON.stringify(name)}, which is not in ${project.show(project.assets)}/: add the file, or fix the name`);
    }
  }
}
