/**
 * The dev builder's fast path: after cargo built the crate once, an edit of its own .rs files is
 * built by running cargo's recorded rustc command again; anything cargo would decide (a
 * Cargo.toml, a dependency's sources, a cargo config) goes back to cargo. Real builds throughout.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathPackages, primaryRustcCommand, runningCommands, shellWords } from "../../src/dev/cargo-output.ts";
import { RecordedRustc } from "../../src/dev/rustc-replay.ts";
import { spawn } from "../../src/ecs/index.ts";
import { Stamp } from "../fixtures/hot-fixture/components.ts";
import { CrateBuilder } from "../../src/dev/crate-builder.ts";
import { Fixture, FIXTURE_TARGET_DIR } from "../support/fixture.ts";
import { hotApp, type HotApp } from "../support/hot-app.ts";

test("shell words: cargo's quoting of env values and arguments", () => {
  expect(shellWords(`A='' B='x y' rustc --check-cfg 'cfg(feature, values())' 'it'\\''s' "q \\"t\\"" a\\ b`)).toEqual([
    "A=",
    "B=x y",
    "rustc",
    "--check-cfg",
    "cfg(feature, values())",
    "it's",
    'q "t"',
    "a b",
  ]);
  expect(() => shellWords("rustc 'open")).toThrow(/unterminated/);
});

test("the primary cdylib's command is found among cargo's -vv lines; a dependency's is not it", () => {
  const output = [
    "   Compiling hotloop-sdk v0.1.0 (/sdk)",
    "     Running `CARGO_CRATE_NAME=hotloop_sdk CARGO_MANIFEST_DIR=/sdk /bin/rustc --crate-name hotloop_sdk --crate-type lib src/lib.rs`",
    "   Compiling game v0.1.0 (/game)",
    "     Running `CARGO_CRATE_NAME=game CARGO_MANIFEST_DIR=/game CARGO_PKG_DESCRIPTION='' CARGO_PRIMARY_PACKAGE=1 /bin/rustc --crate-name game src/lib.rs --crate-type cdylib --extern 'hotloop_sdk=/t/deps/libhotloop_sdk-1.rlib'`",
    "    Finished `dev` profile [optimized] target(s) in 0.30s",
  ].join("\n");
  const command = primaryRustcCommand(output)!;
  expect(command.program).toBe("/bin/rustc");
  expect(command.env).toEqual({ CARGO_CRATE_NAME: "game", CARGO_MANIFEST_DIR: "/game", CARGO_PKG_DESCRIPTION: "", CARGO_PRIMARY_PACKAGE: "1" });
  expect(command.args).toEqual(["--crate-name", "game", "src/lib.rs", "--crate-type", "cdylib", "--extern", "hotloop_sdk=/t/deps/libhotloop_sdk-1.rlib"]);
  expect(primaryRustcCommand(output.split("\n").filter((l) => !l.includes("PRIMARY")).join("\n"))).toBeUndefined();
});

test("a quoted value may span lines; a program path with a space is whole; path packages are named in Fresh/Compiling lines", () => {
  const output = [
    "       Fresh hotloop-sdk v0.1.0 (/home/Jane Doe/sdk (copy))",
    "       Fresh libc v0.2.150",
    "   Compiling components v0.1.0 (/g/components)",
    "   Compiling game v0.1.0 (/g)",
    "     Running `CARGO_PKG_DESCRIPTION='A game.",
    "Two lines.' CARGO_MANIFEST_DIR=/g CARGO_PRIMARY_PACKAGE=1 /home/Jane Doe/.rustup/bin/rustc --crate-name game src/lib.rs --crate-type cdylib`",
  ].join("\n");
  expect(runningCommands(output)).toHaveLength(1);
  const command = primaryRustcCommand(output)!;
  expect(command.env.CARGO_PKG_DESCRIPTION).toBe("A game.\nTwo lines.");
  expect(command.program).toBe("/home/Jane Doe/.rustup/bin/rustc");
  expect(command.args).toEqual(["--crate-name", "game", "src/lib.rs", "--crate-type", "cdylib"]);
  expect(pathPackages(output)).toEqual(["/home/Jane Doe/sdk (copy)", "/g/components", "/g"]);
});

let fixture: Fixture;
let h: HotApp;
beforeAll(async () => {
  fixture = new Fixture();
  await fixture.build();
  h = await hotApp(fixture, ["stamp"]);
}, 240_000);
afterAll(() => {
  h?.app.shutdown();
  fixture.cleanup();
});

test("an edit of lib.rs replays rustc: a new library in place, running; a compile error is the code's and changes nothing", async () => {
  const e = spawn(h.app.world, Stamp);
  fixture.setConst("STAMP", "41");
  await fixture.build(); // cargo, or a replay of the command the first build recorded
  fixture.setConst("STAMP", "42");
  const before = statSync(fixture.library);
  const result = await fixture.build();
  expect(result.via).toBe("rustc");
  const after = statSync(fixture.library);
  expect(after.ino).not.toBe(before.ino); // renamed into place: the reloader's one-event path
  await h.until(() => Stamp.value[e] === 42, 1500, "the replayed build running");

  fixture.setConst("STAMP", "43 +");
  const failed = await fixture.build(true);
  expect(failed).toMatchObject({ ok: false, via: "rustc" });
  expect(failed.errors).toMatch(/^src\/lib\.rs:\d+:\d+: error/m);
  expect(statSync(fixture.library).ino).toBe(after.ino);
  for (let i = 0; i < 10; i++) await h.frame();
  expect(Stamp.value[e]).toBe(42);

  fixture.setConst("STAMP", "44");
  expect((await fixture.build()).via).toBe("rustc");
  await h.until(() => Stamp.value[e] === 44, 1500, "the fixed build running");
}, 240_000);

test("Cargo.toml, a dependency's source newer than its library, a cargo config: back to cargo", async () => {
  fixture.edit("[workspace]", "[workspace]", "Cargo.toml");
  expect((await fixture.build()).via).toBe("cargo");
  const recorded = fixture.builder.recorded!;
  expect(recorded.covers([fixture.path()])).toBe(true);

  // A source of a local dependency (the SDK) saved after the build: cargo must rebuild it first.
  expect(recorded.dependencies.map((d) => basename(d))).toEqual(["hotloop-sdk"]);
  const sdkSource = join(recorded.dependencies[0]!, "src/lib.rs");
  const sourceTime = statSync(sdkSource).mtime;
  const future = new Date(Date.now() + 60_000);
  try {
    utimesSync(sdkSource, future, future);
    expect(recorded.covers([fixture.path()])).toBe(false);
  } finally {
    utimesSync(sdkSource, sourceTime, sourceTime);
  }

  // A cargo config appearing next to the crate can change every flag.
  mkdirSync(join(fixture.dir, ".cargo"));
  writeFileSync(join(fixture.dir, ".cargo/config.toml"), "");
  try {
    expect(recorded.covers([fixture.path()])).toBe(false);
  } finally {
    rmSync(join(fixture.dir, ".cargo"), { recursive: true });
  }
  expect(recorded.covers([fixture.path()])).toBe(true);
  // Only the package's own .rs files, and at least one.
  expect(recorded.covers([fixture.path("Cargo.toml")])).toBe(false);
  expect(recorded.covers(["/elsewhere/src/lib.rs"])).toBe(false);
  expect(recorded.covers([fixture.path("build.rs")])).toBe(false);
  expect(recorded.covers([])).toBe(false);
}, 240_000);

test("a recorded command is remembered between sessions; a file that does not fit is ignored", async () => {
  const remember = join(fixture.dir, "remembered/rustc.json");
  const options = { cwd: fixture.dir, targetDir: FIXTURE_TARGET_DIR };
  const first = new CrateBuilder(options, remember);
  fixture.setConst("STAMP", "59");
  expect((await first.build([fixture.path()])).via).toBe("cargo"); // nothing recorded yet: cargo, which records, and saves
  const saved = JSON.parse(readFileSync(remember, "utf8"));
  expect(saved.command.program).toMatch(/rustc$/);

  // The next session: cargo would find the crate fresh and record nothing; the saved command replays the first save.
  const next = new CrateBuilder(options, remember);
  fixture.setConst("STAMP", "60");
  expect((await next.build([fixture.path()])).via).toBe("rustc");

  writeFileSync(remember, JSON.stringify({ ...saved, version: 0 }));
  expect(new CrateBuilder(options, remember).recorded).toBeUndefined();
  writeFileSync(remember, "{ not json");
  expect(new CrateBuilder(options, remember).recorded).toBeUndefined();
  // Saved against another Cargo.toml: restored, but it covers nothing until cargo records again.
  writeFileSync(remember, JSON.stringify(saved));
  fixture.edit("[workspace]", "[workspace]\n", "Cargo.toml");
  expect(new CrateBuilder(options, remember).recorded!.covers([fixture.path()])).toBe(false);
}, 240_000);

test("a crate that is also an rlib: every library rustc links is put in place, the cdylib the game loads among them", async () => {
  const both = new Fixture();
  try {
    both.edit('crate-type = ["cdylib"]', 'crate-type = ["cdylib", "rlib"]', "Cargo.toml");
    await both.build();
    both.setConst("STAMP", "70");
    const before = statSync(both.library).ino;
    expect((await both.build()).via).toBe("rustc");
    expect(statSync(both.library).ino).not.toBe(before);
  } finally {
    both.cleanup();
  }
}, 240_000);

test("a build script appearing sends the build to cargo for good, and the kept command is removed", async () => {
  const remember = join(fixture.dir, "remembered/rustc.json");
  const builder = new CrateBuilder({ cwd: fixture.dir, targetDir: FIXTURE_TARGET_DIR }, remember);
  fixture.setConst("STAMP", "80");
  await builder.build([fixture.path()]);
  expect(builder.recorded).toBeDefined();
  writeFileSync(fixture.path("build.rs"), 'fn main() { println!("cargo::rustc-check-cfg=cfg(from_build)"); }\n');
  try {
    fixture.setConst("STAMP", "81");
    expect(builder.recorded!.covers([fixture.path()])).toBe(false); // the stamp has build.rs
    expect((await builder.build([fixture.path()])).via).toBe("cargo");
    expect(builder.recorded).toBeUndefined(); // cargo ran the build script: nothing to replay
    expect(new CrateBuilder({ cwd: fixture.dir, targetDir: FIXTURE_TARGET_DIR }, remember).recorded).toBeUndefined();
  } finally {
    rmSync(fixture.path("build.rs"));
  }
}, 240_000);

test("a replay that cannot even start comes back untrusted, for cargo to build", async () => {
  const saved = fixture.builder.recorded!.toJSON();
  const broken = RecordedRustc.restore({ ...saved, command: { ...saved.command, program: "/nonexistent/rustc" } })!;
  const result = await broken.run();
  expect(result).toMatchObject({ ok: false, trusted: false });
  expect(result.errors).toMatch(/nonexistent|ENOENT|No such file/i);
});
