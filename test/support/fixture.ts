/**
 * A real hot library for tests: a crate (test/fixtures/hot-fixture by default, or e.g. the
 * example's examples/bevy-like/systems) copied to a temp dir under a unique crate name (so each copy has
 * its own output file while all share one target dir and the compiled SDK), edited and rebuilt.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { CargoResult } from "../../src/dev/cargo.ts";
import { CrateBuilder } from "../../src/dev/crate-builder.ts";
import { libraryPath } from "../../src/hot/plugin.ts";

const REPO = resolve(import.meta.dir, "../..");
const FIXTURE = join(REPO, "test/fixtures/hot-fixture");
/** Shared by every fixture copy, so the SDK compiles once per machine. */
export const FIXTURE_TARGET_DIR = join(REPO, "target/test-fixtures");

let counter = 0;

export class Fixture {
  readonly dir: string;
  readonly crate: string;
  readonly library: string;
  /** Builds as the dev runner does: cargo, or cargo's last rustc command again after an edit of lib.rs. */
  readonly builder: CrateBuilder;
  /** Files edited since the last build, for the builder. */
  readonly #edited = new Set<string>();

  /** `source`: the crate to copy, relative to the repo (default: the hot fixture). */
  constructor(source = FIXTURE) {
    const from = resolve(REPO, source);
    this.crate = `hot_fixture_${process.pid}_${++counter}`;
    this.dir = mkdtempSync(join(tmpdir(), "hotloop-fixture-"));
    cpSync(join(from, "src"), join(this.dir, "src"), { recursive: true });
    const sdk = `hotloop-sdk = { path = ${JSON.stringify(join(REPO, "systems-rs/hotloop-sdk"))} }`;
    let manifest = readFileSync(join(from, "Cargo.toml"), "utf8")
      .replace(/^name = "[^"]+"/m, `name = "${this.crate}"`)
      .replace(/^\[lib\]\nname = "[^"]+"/m, "[lib]")
      .replace(/hotloop-sdk = \{ path = "[^"]+" \}/, sdk);
    // A components crate (the starter's layout) is copied too, under a name of this copy's own.
    if (existsSync(join(from, "components/Cargo.toml"))) {
      cpSync(join(from, "components/src"), join(this.dir, "components/src"), { recursive: true });
      const components = readFileSync(join(from, "components/Cargo.toml"), "utf8")
        .replace(/^name = "[^"]+"/m, `name = "${this.crate}_components"`)
        .replace(/hotloop-sdk = \{ path = "[^"]+" \}/, sdk);
      writeFileSync(join(this.dir, "components/Cargo.toml"), components);
      const renamed = manifest.replace(/(components = \{ path = "components", package = )"[^"]+"/, `$1"${this.crate}_components"`);
      // Copies share one target dir: a components package left under its own name would be shared too.
      if (renamed === manifest) throw new Error(`fixture: ${from}/Cargo.toml names its components crate in a form this copy cannot rename`);
      manifest = renamed;
    }
    // A workspace member copied out needs the workspace's dev profile and must not look for a workspace.
    if (!manifest.includes("[workspace]")) manifest += "\n[profile.dev]\nopt-level = 1\ndebug = false\nlto = \"off\"\n\n[workspace]\n";
    writeFileSync(join(this.dir, "Cargo.toml"), manifest);
    this.library = libraryPath(FIXTURE_TARGET_DIR, this.crate, "debug");
    this.builder = new CrateBuilder({ cwd: this.dir, targetDir: FIXTURE_TARGET_DIR });
  }

  /** The path of a source file in the copy. */
  path(file = "src/lib.rs"): string {
    return join(this.dir, file);
  }

  /** Replaces text in a source file; throws if the text is not there (a test that cannot fail is worse). */
  edit(from: string | RegExp, to: string, file = "src/lib.rs"): void {
    const text = readFileSync(this.path(file), "utf8");
    const found = typeof from === "string" ? text.includes(from) : from.test(text);
    if (!found) throw new Error(`fixture edit: ${String(from)} not found in ${file}`);
    writeFileSync(this.path(file), text.replace(from, to));
    this.#edited.add(this.path(file));
  }

  /** Sets `const NAME: T = value;` in a source file (lib.rs unless named). */
  setConst(name: string, value: string, file = "src/lib.rs"): void {
    this.edit(new RegExp(`const ${name}: (\\w+) = [^;]+;`), `const ${name}: $1 = ${value};`, file);
  }

  /** Builds the copy (debug profile) as the dev runner would after the edits; throws with the diagnostics unless `allowFailure`. */
  async build(allowFailure = false): Promise<CargoResult> {
    const edited = [...this.#edited];
    this.#edited.clear();
    const result = await this.builder.build(edited);
    if (!result.ok && !allowFailure) throw new Error(`fixture build failed:\n${result.errors}`);
    return result;
  }

  /**
   * Removes the copy and everything cargo made for its crate in the shared target dir (the library,
   * dep-info, fingerprints, incremental state: about 30 MB a crate, which would pile up run after run).
   */
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
    const profile = dirname(this.library);
    const ours = (name: string) => [this.crate, `${this.crate}_components`].flatMap((c) => [c, `lib${c}`]).some((stem) => name.startsWith(`${stem}.`) || name.startsWith(`${stem}-`));
    for (const dir of [profile, ...["deps", ".fingerprint", "incremental"].map((d) => join(profile, d))]) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names.filter(ours)) rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
}

/** Reads a u32 of host memory (the fixture's hooks count there). */
export function hostU32(memory: Uint8Array, offset: number): number {
  return new DataView(memory.buffer, memory.byteOffset).getUint32(offset, true);
}
