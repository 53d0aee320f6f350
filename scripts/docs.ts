/**
 * `bun run docs` (`bun scripts/docs.ts`): the API reference, built by one command.
 *
 * - TypeScript: TypeDoc over the package's four entry points (`hotloop`, `hotloop/render`,
 *   `hotloop/dev`, `hotloop/ship`: src/api/*.ts) into docs/reference/ts/ (gitignored).
 * - Rust: `cargo doc --no-deps` of the SDK (systems-rs/hotloop-sdk) into cargo's target/doc.
 *
 * It prints where each landed. Both fail on a public item without a doc comment, or a doc link
 * that does not resolve: TypeDoc with `validation.notDocumented` and every warning an error,
 * rustdoc with `-D warnings -D missing_docs`. `--check` runs the same checks without writing the
 * TypeScript pages (test/docs/reference.test.ts runs it); either way a problem is one line each,
 * and exit 1.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Application, Logger, LogLevel, TSConfigReader, type TypeDocOptions } from "typedoc";
import { DrawKind } from "../src/core/draw-list.ts";

/** The repository root. */
export const ROOT = join(import.meta.dir, "..");

/** The package's public entry points (package.json `exports`), what the TypeScript reference covers. */
export const ENTRY_POINTS = ["src/api/index.ts", "src/api/render.ts", "src/api/dev.ts", "src/api/ship.ts"].map((f) => join(ROOT, f));

/** Where the TypeScript reference goes (gitignored). */
export const TS_OUT = join(ROOT, "docs/reference/ts");

/** The SDK's Cargo workspace and package. */
const CARGO_MANIFEST = join(ROOT, "systems-rs/Cargo.toml");
const SDK_PACKAGE = "hotloop-sdk";

/**
 * Tables of names whose entries mean their name (`DrawKind.Circle`): the table's own comment says
 * what they are (what each draw kind's fields mean), and a comment per entry would say nothing
 * more. (The key, color and raylib enum tables are generated with raylib's own comment per entry.) Each exported name of such a table, with the table its entries come from; any
 * other undocumented item fails.
 */
const NAME_TABLES: Record<string, Readonly<Record<string, unknown>>> = {
  "hotloop.DrawKind": DrawKind,
};

/** The entries of {@link NAME_TABLES} as TypeDoc names them (`hotloop.Key.__type.A`). */
function nameTableEntries(): string[] {
  return Object.entries(NAME_TABLES).flatMap(([table, entries]) => Object.keys(entries).map((name) => `${table}.__type.${name}`));
}

/** A TypeDoc logger that keeps every warning and error as one line, for the caller to print. */
class CollectingLogger extends Logger {
  readonly lines: string[] = [];
  override log(message: string, level: LogLevel): void {
    if (level >= LogLevel.Warn) this.lines.push(message);
  }
}

/** What one reference build gave: its problems (one line each) and where it landed. */
export interface ReferenceResult {
  readonly problems: string[];
  /** The index page, when pages were written. */
  readonly index?: string;
  readonly ms: number;
}

/**
 * Converts and validates the TypeScript reference of `entryPoints` and, with `out`, writes its
 * pages there. Every TypeDoc warning (an undocumented public item, a link that does not resolve)
 * is a problem.
 */
export async function typescriptReference(options: { entryPoints?: readonly string[]; out?: string } = {}): Promise<ReferenceResult> {
  const started = performance.now();
  const typedocOptions: TypeDocOptions = {
    name: "hotloop",
    entryPoints: [...(options.entryPoints ?? ENTRY_POINTS)],
    tsconfig: join(ROOT, "tsconfig.json"),
    readme: "none",
    excludePrivate: true,
    excludeInternal: true,
    // No "defined in" links: they need a hosted git remote, which a clone may not have.
    disableSources: true,
    // Types that public items mention but the package does not export (the App's `Schedule`,
    // `HotSlot`, …) are shown by name; exporting them is an API decision, not a doc fix.
    validation: { notExported: false, invalidLink: true, rewrittenLink: true, notDocumented: true, unusedMergeModuleWith: true },
    intentionallyNotDocumented: nameTableEntries(),
    treatWarningsAsErrors: true,
    treatValidationWarningsAsErrors: true,
    logLevel: "Warn",
  };
  // Only tsconfig.json is read (its compiler options): no typedoc.json, these options are the whole configuration.
  const app = await Application.bootstrapWithPlugins(typedocOptions, [new TSConfigReader()]);
  const logger = new CollectingLogger();
  app.logger = logger;
  const project = await app.convert();
  if (project) {
    app.validate(project);
    if (options.out && logger.lines.length === 0) {
      rmSync(options.out, { recursive: true, force: true });
      await app.generateDocs(project, options.out);
    }
  } else if (logger.lines.length === 0) {
    logger.lines.push("TypeDoc could not convert the entry points (no message)");
  }
  const index = options.out && project && logger.lines.length === 0 ? join(options.out, "index.html") : undefined;
  return { problems: logger.lines.map((l) => l.replaceAll(`${ROOT}/`, "")), index, ms: performance.now() - started };
}

/**
 * `cargo doc --no-deps` of `pkg` in the workspace `manifest`, with rustdoc's warnings (a broken
 * intra-doc link) and `missing_docs` denied. `targetDir` overrides cargo's target directory.
 */
export function rustReference(options: { manifest?: string; pkg?: string; targetDir?: string } = {}): ReferenceResult {
  const started = performance.now();
  const flags = [process.env.RUSTDOCFLAGS, "-D warnings -D missing_docs"].filter(Boolean).join(" ");
  const env: Record<string, string | undefined> = { ...process.env, RUSTDOCFLAGS: flags };
  if (options.targetDir) env.CARGO_TARGET_DIR = options.targetDir;
  const proc = spawnSync(
    "cargo",
    ["doc", "--no-deps", "--message-format", "short", "--manifest-path", options.manifest ?? CARGO_MANIFEST, "-p", options.pkg ?? SDK_PACKAGE],
    { env, encoding: "utf8" },
  );
  const ms = performance.now() - started;
  if (proc.error) return { problems: [`cargo doc could not start: ${proc.error.message} (install Rust: https://rustup.rs)`], ms };
  const output = proc.stderr ?? "";
  const generated = /Generated (\S+\.html)/.exec(output)?.[1];
  if (proc.status === 0) return { problems: [], index: generated, ms };
  // One line each: cargo's short messages (`src/lib.rs:3:1: error: missing documentation for a function`).
  const problems = output
    .split("\n")
    .filter((l) => /\b(error|warning)\b/.test(l) && !/^\s*(Compiling|Documenting|Checking)\b/.test(l))
    .map((l) => l.trim());
  return { problems: problems.length ? problems : [`cargo doc failed (exit ${proc.status}): ${output.trim()}`], ms };
}

if (import.meta.main) {
  const check = process.argv.includes("--check");
  const unknown = process.argv.slice(2).filter((a) => a !== "--check");
  if (unknown.length) {
    console.error(`docs: unknown option ${unknown[0]} (options: --check)`);
    process.exit(2);
  }
  const show = (path: string | undefined) => (path ? relative(process.cwd(), path) || "." : "?");
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  let failed = false;

  // A check writes no pages: TypeDoc still converts and validates everything.
  const out = check ? undefined : TS_OUT;
  if (out) mkdirSync(out, { recursive: true });
  const ts = await typescriptReference({ out });
  for (const p of ts.problems) console.error(`docs: TypeScript: ${p}`);
  if (ts.problems.length) {
    failed = true;
    console.error(`docs: the TypeScript reference has ${ts.problems.length} problem(s) (above): document each public item, or fix the link`);
  } else {
    console.log(check ? `docs: TypeScript reference checked in ${seconds(ts.ms)}` : `docs: TypeScript reference: ${show(ts.index)} (TypeDoc, ${seconds(ts.ms)})`);
  }

  // cargo doc writes its pages either way (it has no check-only mode, and takes about a second).
  const rust = rustReference();
  for (const p of rust.problems) console.error(`docs: Rust: ${p}`);
  if (rust.problems.length) {
    failed = true;
    console.error(`docs: the SDK's reference has ${rust.problems.length} problem(s) (above): document each public item, or fix the link`);
  } else {
    console.log(check ? `docs: the SDK's reference checked in ${seconds(rust.ms)}` : `docs: the SDK's reference: ${show(rust.index)} (cargo doc, ${seconds(rust.ms)})`);
  }
  process.exit(failed ? 1 : 0);
}

/** A fresh temporary directory (for tests that document a crate of their own). */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
