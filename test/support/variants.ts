/**
 * Builds of the test libraries, each made once per process with cargo and kept as bytes. The
 * reliability tests and the soak write these bytes to a watched path instead of running cargo for
 * every reload: each write of other bytes is a new build as far as the reloader can tell.
 *
 * Every variant of the hot fixture has SPEED 1 (mover moves by velocity * dt), its own STAMP
 * (which build is running), and a `PANICS` switch for its trap system.
 */
import { HOTLOOP_ABI_VERSION } from "../../src/hot/manifest.ts";
import { cpSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fnv1a64 } from "../../src/ecs/index.ts";
import { Fixture } from "./fixture.ts";

const REPO = resolve(import.meta.dir, "../..");
const HOT = "test/fixtures/hot-fixture";
/** The SDK-less crate whose exports the tests write by hand. */
const RAW = "test/fixtures/raw-library";

interface Recipe {
  readonly source: typeof HOT | typeof RAW;
  apply(f: Fixture): void;
}

/** A hot fixture build writing `stamp`, whose armed trap panics only when `panics`. */
function hot(stamp: number, more?: (f: Fixture) => void, panics = false): Recipe {
  return {
    source: HOT,
    apply(f) {
      f.edit("/// Written into every Stamp", `/// Whether an armed trap panics.\nconst PANICS: bool = ${panics};\n/// Written into every Stamp`);
      f.edit("if t.armed != 0 {", "if t.armed != 0 && PANICS {");
      f.setConst("STAMP", String(stamp));
      more?.(f);
    },
  };
}

/** A raw library returning `abi` and this manifest text (written as a Rust byte string). */
function raw(abi: number, manifest: string, more?: (f: Fixture) => void): Recipe {
  const literal = `b"${manifest.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}\\0"`;
  return {
    source: RAW,
    apply(f) {
      f.setConst("ABI", String(abi));
      f.edit(/static MANIFEST: &\[u8\] = b".*";/, `static MANIFEST: &[u8] = ${literal};`);
      more?.(f);
    },
  };
}

const rawManifest = (abi: number, systems: unknown[] = []) =>
  JSON.stringify({ abi, sdk: "0.1.0", crate: "raw_library", hooks: { load: false, unload: false }, components: [], resources: [], events: [], systems });
/** The host's ABI, and one it does not speak. */
const ABI = HOTLOOP_ABI_VERSION;
const OTHER_ABI = HOTLOOP_ABI_VERSION + 1;

const RECIPES = {
  stamp1: hot(1),
  stamp2: hot(2),
  stamp3: hot(3),
  /** Its trap panics when armed. */
  trapStamp1: hot(1, undefined, true),
  trapStamp2: hot(2, undefined, true),
  loadPanic: hot(5, (f) => f.edit("fn on_load(mem: &mut [u8]) {", 'fn on_load(mem: &mut [u8]) {\n    if STAMP == 5 {\n        panic!("on_load failed (stamp {STAMP})");\n    }')),
  /** Stamp 4; once host memory byte 16 is set, its mover writes the first row, then panics. */
  halfWrite: hot(4, (f) =>
    f.edit(
      "for (pos, vel) in q.iter_mut() {\n        *pos.x += vel.x * SPEED * dt;",
      'let armed = hotloop_sdk::with_host_memory(|m| m[16] != 0);\n    for (pos, vel) in q.iter_mut() {\n        *pos.x += vel.x * SPEED * dt;\n        if armed {\n            panic!("mover half done");\n        }',
    ),
  ),
  /** Stamp 5; its armed trap loops forever, using its query on every turn (so the watchdog can stop it). */
  hang: hot(5, (f) => f.edit('panic!("trap sprung (stamp {STAMP})");', "loop {\n                let _ = q.len();\n            }"), true),
  /** Stamp 6; its armed trap spins forever touching nothing of the SDK: nothing can stop it. */
  hangHard: hot(6, (f) => f.edit('panic!("trap sprung (stamp {STAMP})");', "loop {\n                std::hint::spin_loop();\n            }"), true),
  /** Stamp 1; its load hook panics from the process's third load on (so a rollback to it fails). */
  returnPanic: hot(1, (f) =>
    f.edit("fn on_load(mem: &mut [u8]) {", 'fn on_load(mem: &mut [u8]) {\n    if read_u32(mem, 0) >= 2 {\n        panic!("on_load refuses to come back (stamp {STAMP})");\n    }'),
  ),
  unloadPanic: hot(6, (f) => f.edit("fn on_unload() {", 'fn on_unload() {\n    if STAMP == 6 {\n        panic!("on_unload failed (stamp {STAMP})");\n    }')),
  /** A cdylib without the SDK's exports. */
  noExport: hot(7, (f) => f.edit(/hotloop_sdk::export! \{[\s\S]*?\n\}\n/, '#[no_mangle]\npub extern "C" fn x() {}\n')),
  /** `stamp` renamed to `stamp_renamed`. */
  renamed: hot(1, (f) => {
    f.edit("pub fn stamp(", "pub fn stamp_renamed(");
    f.edit("systems: [mover, stamp,", "systems: [mover, stamp_renamed,");
  }),
  /** `mover` also reads Stamp. */
  moreComponents: hot(1, (f) => {
    f.edit("Query<(Write<Position>, Read<Velocity>)>", "Query<(Write<Position>, Read<Velocity>, Read<Stamp>)>");
    f.edit("for (pos, vel) in q.iter_mut()", "for (pos, vel, _) in q.iter_mut()");
  }),
  /** `stamp` only reads Stamp. */
  readOnly: hot(1, (f) => f.edit(/pub fn stamp\(mut q: Query<Write<Stamp>>\) \{[\s\S]*?\n\}/, "pub fn stamp(q: Query<Read<Stamp>>) {\n    let _ = q.len();\n}")),
  /** Compiled against a Velocity with a third field (the generated file edited, hash and all); stamp 4. */
  layout: hot(4, (f) =>
    f.edit(
      /hotloop_sdk::component!\(Velocity\(VelocityValue, VelocityMut\), 0x[0-9a-f]{16}, \{ x: f32, y: f32 \}\);/,
      `hotloop_sdk::component!(Velocity(VelocityValue, VelocityMut), 0x${fnv1a64("Velocity{x:f32,y:f32,z:f32}")}, { x: f32, y: f32, z: f32 });`,
      "src/components.rs",
    ),
  ),
  /** Touches a thread_local with a destructor in its load hook (on the host's calling thread). */
  threadLocal: hot(8, (f) => {
    f.edit(
      "mod components;",
      [
        "mod components;",
        "",
        "/// Touching it registers its destructor with the C runtime, which keeps the library mapped",
        "/// after dlclose until the thread exits (rust-lang/rust#59629).",
        "struct Pinned(u32);",
        "impl Drop for Pinned {",
        "    fn drop(&mut self) {",
        "        std::hint::black_box(self.0);",
        "    }",
        "}",
        "thread_local! {",
        "    static PINNED: Pinned = const { Pinned(8) };",
        "}",
      ].join("\n"),
    );
    f.edit("fn on_load(mem: &mut [u8]) {", "fn on_load(mem: &mut [u8]) {\n    PINNED.with(|p| std::hint::black_box(p.0));");
  }),
  /** Manifest text cut short: not JSON. */
  badJson: raw(ABI, rawManifest(ABI).slice(0, 60)),
  /** JSON of the wrong shape: a query without its components. */
  badShape: raw(ABI, rawManifest(ABI, [{ name: "mover", params: [{ kind: "query" }] }])),
  /** A manifest with a byte that is not UTF-8 (0xFF) in the crate's name. */
  badUtf8: raw(ABI, rawManifest(ABI), (f) => f.edit('\\"crate\\":\\"raw_library', '\\"crate\\":\\"raw_\\xfflibrary')),
  /** A system name of 300 characters. */
  longName: raw(ABI, rawManifest(ABI, [{ name: "x".repeat(300), params: [] }])),
  /** A manifest of one system over an empty system table (hotloop_system_count says 0). */
  shortTable: raw(ABI, rawManifest(ABI, [{ name: "ghost", params: [] }])),
  /** Two systems named alike (the table is never read: the manifest is refused first). */
  sameNames: raw(ABI, rawManifest(ABI, [{ name: "twin", params: [] }, { name: "twin", params: [] }]), (f) => f.setConst("COUNT", "2")),
  /** Its armed trap panics with two lines and 40 KB of text (a 2-byte character 20,000 times). */
  panicText: hot(3, (f) => f.edit('panic!("trap sprung (stamp {STAMP})");', 'panic!("first line\\nsecond line {}", "é".repeat(20_000));'), true),
  /** Another ABI version, with every export of this one. */
  otherAbi: raw(OTHER_ABI, rawManifest(OTHER_ABI)),
  /** Another ABI version whose exports differ (no system table). */
  otherAbiLacking: raw(OTHER_ABI, rawManifest(OTHER_ABI), (f) => f.edit(/#\[no_mangle\]\npub extern "C" fn hotloop_system_table[\s\S]*?\n\}\n/, "")),
} satisfies Record<string, Recipe>;

export type VariantName = keyof typeof RECIPES;

const builders = new Map<string, Fixture>();
const built = new Map<VariantName, Promise<Uint8Array>>();
/** Builds run one at a time: each builder copy is reset and edited in place. */
let queue: Promise<unknown> = Promise.resolve();

async function build(name: VariantName): Promise<Uint8Array> {
  const recipe = RECIPES[name];
  let fixture = builders.get(recipe.source);
  if (!fixture) {
    fixture = new Fixture(recipe.source);
    builders.set(recipe.source, fixture);
  }
  cpSync(join(REPO, recipe.source, "src"), join(fixture.dir, "src"), { recursive: true, force: true });
  recipe.apply(fixture);
  await fixture.build();
  return new Uint8Array(readFileSync(fixture.library));
}

/** The bytes of a variant, built on first request (one cargo build each per process). */
export function variant(name: VariantName): Promise<Uint8Array> {
  let bytes = built.get(name);
  if (!bytes) {
    bytes = queue.then(() => build(name));
    queue = bytes.catch(() => undefined);
    built.set(name, bytes);
  }
  return bytes;
}

/** Several variants by name. */
export async function variants<N extends VariantName>(...names: N[]): Promise<Record<N, Uint8Array>> {
  const entries = await Promise.all(names.map(async (n) => [n, await variant(n)] as const));
  return Object.fromEntries(entries) as Record<N, Uint8Array>;
}

/**
 * Removes the builders' crate copies and their build outputs (built bytes stay cached). Test files
 * call it in afterAll, as `bun test` runs no exit hooks; scripts get it at exit.
 */
export function removeBuilders(): void {
  for (const fixture of builders.values()) fixture.cleanup();
  builders.clear();
}

process.on("exit", removeBuilders);
