/**
 * A game project as the `hotloop` CLI sees it: the `"hotloop"` key of the project's package.json,
 * with defaults that fit the starter (`hotloop new`), so most projects need none of it.
 *
 *     "hotloop": {
 *       "crate": "systems",                 // the Cargo crate (or workspace) of the hot systems
 *       "package": "my-game-systems",       // its cargo package, when the crate is a workspace
 *       "components": ["src/components.ts"],// TypeScript modules whose exported components codegen reads
 *       "componentsRs": "systems/components/src/lib.rs", // where their Rust views go
 *       "entry": "src/game.ts",             // the module whose default export is the game plugin
 *       "names": "src/systems.gen.ts",      // the typed hotSystem() names, rewritten after each build
 *       "script": "demo-keys.txt",          // key script a headless run plays when none is given
 *       "assets": "assets",                 // the folder textures, fonts and sounds are loaded from (and released with)
 *       "codegen": [{ "components": "…ts", "out": "…rs" }] // further codegen targets
 *     }
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { z } from "zod";
import { libraryPath } from "../hot/plugin.ts";
import { manifestLine, manifestProblem } from "./cargo-output.ts";
import { spawnChild } from "./children.ts";

/** A bad project setup: one line naming the file and the cause. */
export class ProjectError extends Error {
  /** `"ProjectError"`, for messages and `instanceof`-free checks. */
  override name = "ProjectError";
}

/** A Cargo.toml cargo cannot read: `systems/Cargo.toml:8:12: error: missing comma between array elements, …`. */
export class ManifestError extends ProjectError {
  /** `"ManifestError"`. */
  override name = "ManifestError";
}

/** Options of {@link loadProject}. */
export interface LoadProjectOptions {
  /**
   * When cargo cannot read the crate's Cargo.toml (a syntax error), use what cargo said of the
   * crate the last time it could (kept in `.hotloop/crate.json`), or failing that what the file
   * still says of its package, instead of throwing: the dev runner then runs the last good build
   * and waits for the fix, as it does on a compile error. Without either, it throws the
   * {@link ManifestError}.
   */
  readonly lastKnownCrate?: boolean;
}

const RelativePath = z.string().min(1);

const ConfigSchema = z
  .object({
    crate: RelativePath.default("systems"),
    package: z.string().min(1).optional(),
    components: z.union([RelativePath, z.array(RelativePath)]).default(["src/components.ts"]),
    componentsRs: RelativePath.optional(),
    entry: RelativePath.default("src/game.ts"),
    names: RelativePath.default("src/systems.gen.ts"),
    script: RelativePath.optional(),
    assets: RelativePath.default("assets"),
    codegen: z.array(z.object({ components: RelativePath, out: RelativePath }).strict()).default([]),
  })
  .strict();

/** The `"hotloop"` key of package.json, as written (paths relative to the project root). */
export type ProjectConfig = z.input<typeof ConfigSchema>;

/** One codegen target: the components of some TS modules, and the Rust file they become. */
export interface CodegenTarget {
  /** The TypeScript modules whose exported components, resources, events and states it reads (absolute). */
  readonly components: readonly string[];
  /** The Rust file it writes their views to (absolute). */
  readonly out: string;
}

/** The Cargo package that builds the hot library, as cargo describes it. */
export interface CrateInfo {
  /** The package name, for `cargo build -p`. */
  readonly package: string;
  /** The cdylib target's name (the library file is lib<name>.so). */
  readonly libName: string;
  /** Where the package's Cargo.toml is. */
  readonly packageDir: string;
  /** cargo's target directory (a workspace's, or CARGO_TARGET_DIR). */
  readonly targetDir: string;
}

/** A resolved project: absolute paths, the crate as cargo sees it. */
export interface Project {
  /** The directory of the project's package.json. */
  readonly root: string;
  /** The package's name (package.json `name`). */
  readonly name: string;
  /** The Cargo crate or workspace directory; undefined when the project has no Rust systems. */
  readonly crateDir: string | undefined;
  /** The package that builds the hot library, as cargo describes it; undefined without a crate. */
  readonly crate: CrateInfo | undefined;
  /** The components modules (the `components` key), absolute. */
  readonly components: readonly string[];
  /** The main codegen target (the project's components → the crate's components.rs) first, then the extra ones. */
  readonly codegen: readonly CodegenTarget[];
  /** The module whose default export is the game plugin (the `entry` key), absolute. */
  readonly entry: string;
  /** The typed `hotSystem()` names module (the `names` key), absolute. */
  readonly names: string;
  /** The key script a headless run plays when none is given (the `script` key), absolute; undefined when none. */
  readonly script: string | undefined;
  /** The asset folder (it may not exist: a game without assets). */
  readonly assets: string;
  /** The library a build of `profile` writes. */
  library(profile: "debug" | "release"): string;
  /** A path relative to the root, for messages. */
  show(path: string): string;
}

/**
 * Reads the project whose package.json is in `dir` or its nearest ancestor. Asks cargo (`cargo
 * metadata`) where the crate builds to, so workspaces, `[lib] name` and CARGO_TARGET_DIR are
 * handled as cargo handles them.
 */
export async function loadProject(dir = process.cwd(), options: LoadProjectOptions = {}): Promise<Project> {
  const root = findRoot(resolve(dir));
  const file = join(root, "package.json");
  let pkg: { name?: string; hotloop?: unknown };
  try {
    pkg = await Bun.file(file).json();
  } catch (e) {
    throw new ProjectError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = ConfigSchema.safeParse(pkg.hotloop ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = ["hotloop", ...issue.path.map(String)].join(".");
    const keys = issue.code === "unrecognized_keys" ? ` (${issue.keys.join(", ")})` : "";
    throw new ProjectError(`${file}: ${where}: ${issue.message}${keys}`);
  }
  const config = parsed.data;
  const abs = (p: string) => resolve(root, p);
  const crateDir = abs(config.crate);
  const hasCrate = existsSync(join(crateDir, "Cargo.toml"));
  if (!hasCrate && pkg.hotloop && (pkg.hotloop as ProjectConfig).crate !== undefined) {
    throw new ProjectError(`${file}: hotloop.crate: ${config.crate} has no Cargo.toml`);
  }
  const crate = hasCrate ? await crateOf(root, crateDir, config.package, options) : undefined;
  const components = (Array.isArray(config.components) ? config.components : [config.components]).map(abs);
  const codegen: CodegenTarget[] = [];
  if (crate) {
    const out = config.componentsRs ? abs(config.componentsRs) : defaultComponentsRs(crate.packageDir);
    codegen.push({ components: components.filter((c) => existsSync(c)), out });
  }
  for (const extra of config.codegen) codegen.push({ components: [abs(extra.components)], out: abs(extra.out) });
  return {
    root,
    name: pkg.name ?? "game",
    crateDir: hasCrate ? crateDir : undefined,
    crate,
    components,
    codegen: codegen.filter((t) => t.components.length > 0),
    entry: abs(config.entry),
    names: abs(config.names),
    script: config.script ? abs(config.script) : undefined,
    assets: abs(config.assets),
    library(profile) {
      if (!crate) throw new ProjectError(`${root}: the project has no Rust crate (${config.crate}/Cargo.toml)`);
      return libraryPath(crate.targetDir, crate.libName, profile);
    },
    show: (path) => relative(root, path) || ".",
  };
}

/**
 * Where the Rust views go unless configured: the starter's components crate (`components/` beside
 * the systems' Cargo.toml) when there is one, else a `src/components.rs` module of the systems crate.
 */
function defaultComponentsRs(packageDir: string): string {
  return existsSync(join(packageDir, "components/Cargo.toml")) ? join(packageDir, "components/src/lib.rs") : join(packageDir, "src/components.rs");
}

/** The crate as cargo describes it, remembered for the time its Cargo.toml cannot be read. */
async function crateOf(root: string, crateDir: string, wanted: string | undefined, options: LoadProjectOptions): Promise<CrateInfo> {
  const show = (file: string) => relative(root, isAbsolute(file) ? file : join(crateDir, file)) || file;
  const memory = join(root, ".hotloop", "crate.json");
  // What the remembered description was made under: another crate, package or target dir is another answer.
  const key = { crateDir, package: wanted ?? null, targetDir: process.env.CARGO_TARGET_DIR ?? null };
  let info: CrateInfo;
  try {
    info = await crateInfo(crateDir, wanted, show);
  } catch (e) {
    if (!(e instanceof ManifestError) || !options.lastKnownCrate) throw e;
    const known = remembered(memory, key) ?? crateInfoFromBrokenToml(crateDir, wanted);
    if (!known) throw e;
    return known;
  }
  remember(memory, key, info);
  return info;
}

type CrateKey = { crateDir: string; package: string | null; targetDir: string | null };

function remembered(file: string, key: CrateKey): CrateInfo | undefined {
  try {
    const kept = JSON.parse(readFileSync(file, "utf8")) as { key: CrateKey; crate: CrateInfo };
    return JSON.stringify(kept.key) === JSON.stringify(key) ? kept.crate : undefined;
  } catch {
    return undefined; // none yet, or unreadable: the file's own words are the fallback
  }
}

function remember(file: string, key: CrateKey, crate: CrateInfo): void {
  const text = JSON.stringify({ key, crate: { package: crate.package, libName: crate.libName, packageDir: crate.packageDir, targetDir: crate.targetDir } });
  try {
    if (existsSync(file) && readFileSync(file, "utf8") === text) return;
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}`;
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch {
    // A project dir that cannot be written: a broken Cargo.toml then falls back to the file's own words.
  }
}

/**
 * The package of a single-package crate as a Cargo.toml that does not parse still names it, line
 * by line (`name = "…"` under `[package]` and `[lib]`); undefined when it does not.
 */
function crateInfoFromBrokenToml(crateDir: string, wanted: string | undefined): CrateInfo | undefined {
  let text: string;
  try {
    text = readFileSync(join(crateDir, "Cargo.toml"), "utf8");
  } catch {
    return undefined;
  }
  let section = "";
  const names: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    // Any header starts another section (`[[bin]]`, `[lib.x]` too): only `[package]` and `[lib]` count.
    if (line.startsWith("[")) section = /^\[\s*(package|lib)\s*\](\s*#.*)?$/.exec(line)?.[1] ?? "";
    const name = /^name\s*=\s*"([^"]+)"/.exec(line);
    if (name && (section === "package" || section === "lib")) names[section] ??= name[1]!;
  }
  const name = names.package;
  if (!name || (wanted && wanted !== name)) return undefined;
  const targetDir = process.env.CARGO_TARGET_DIR ? resolve(crateDir, process.env.CARGO_TARGET_DIR) : join(crateDir, "target");
  return { package: name, libName: (names.lib ?? name).replaceAll("-", "_"), packageDir: crateDir, targetDir };
}

/** What `cargo metadata` would say of a single-package crate, read from its Cargo.toml. */
async function crateInfoFromToml(crateDir: string, wanted: string | undefined): Promise<CrateInfo> {
  const file = join(crateDir, "Cargo.toml");
  let toml: { package?: { name?: string }; lib?: { name?: string } };
  try {
    toml = Bun.TOML.parse(await Bun.file(file).text()) as typeof toml;
  } catch (e) {
    throw new ManifestError(`${file}: not valid TOML (${(e as Error).message})`);
  }
  const name = toml.package?.name;
  if (!name || (wanted && wanted !== name)) {
    throw new ProjectError(`${file}: cargo is not on PATH, and without it only a single-package crate can be read; install Rust (https://rustup.rs)`);
  }
  const targetDir = process.env.CARGO_TARGET_DIR ? resolve(crateDir, process.env.CARGO_TARGET_DIR) : join(crateDir, "target");
  return { package: name, libName: (toml.lib?.name ?? name).replaceAll("-", "_"), packageDir: crateDir, targetDir };
}

function findRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) return d;
    if (dirname(d) === d) throw new ProjectError(`${dir}: no package.json here or above (create a project with \`hotloop new <dir>\`)`);
  }
}

interface CargoMetadata {
  target_directory: string;
  workspace_members: string[];
  packages: { id: string; name: string; manifest_path: string; targets: { name: string; crate_types: string[] }[] }[];
}

/** The cdylib package of a crate or workspace, from `cargo metadata --no-deps` (no network). */
async function crateInfo(crateDir: string, wanted: string | undefined, show: (file: string) => string): Promise<CrateInfo> {
  const cargo = Bun.which("cargo");
  // Without cargo nothing can be built, but a library built before can still run: read Cargo.toml.
  if (!cargo) return crateInfoFromToml(crateDir, wanted);
  // process.env passed on: Bun.spawn otherwise gives the environment the process started with, and cargo.ts builds with this one.
  const proc = spawnChild([cargo, "metadata", "--no-deps", "--format-version", "1", "--offline"], { cwd: crateDir, env: process.env });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) {
    const problem = manifestProblem(err);
    if (problem) throw new ManifestError(manifestLine(problem, show));
    const line = err.split("\n").find((l) => l.startsWith("error")) ?? err.trim().split("\n")[0] ?? `exit ${code}`;
    throw new ProjectError(`${join(crateDir, "Cargo.toml")}: cargo metadata failed: ${line}`);
  }
  const meta = JSON.parse(out) as CargoMetadata;
  const members = meta.packages.filter((p) => meta.workspace_members.includes(p.id));
  const cdylibs = members.filter((p) => p.targets.some((t) => t.crate_types.includes("cdylib")));
  let chosen;
  if (wanted) {
    chosen = members.find((p) => p.name === wanted);
    if (!chosen) throw new ProjectError(`${join(crateDir, "Cargo.toml")}: no package ${wanted} in the workspace (packages: ${members.map((p) => p.name).join(", ")})`);
  } else {
    chosen = members.find((p) => dirname(p.manifest_path) === crateDir) ?? (cdylibs.length === 1 ? cdylibs[0] : undefined);
    if (!chosen) {
      throw new ProjectError(`${join(crateDir, "Cargo.toml")}: a workspace with ${cdylibs.length} cdylib packages: name one as "hotloop": { "package": … } in package.json (${cdylibs.map((p) => p.name).join(", ")})`);
    }
  }
  const lib = chosen.targets.find((t) => t.crate_types.includes("cdylib"));
  if (!lib) throw new ProjectError(`${chosen.manifest_path}: package ${chosen.name} builds no cdylib: add [lib] crate-type = ["cdylib"]`);
  return { package: chosen.name, libName: lib.name, packageDir: dirname(chosen.manifest_path), targetDir: meta.target_directory };
}
