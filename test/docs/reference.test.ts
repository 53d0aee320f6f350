/**
 * The API reference (`bun run docs`, scripts/docs.ts) documents every public item: TypeDoc over
 * the package's entry points and `cargo doc` of the SDK both fail on an item without a doc
 * comment or a doc link that does not resolve. Fix a failure by writing the doc comment the line
 * names.
 *
 * Each check runs with a canary beside the real code, so a check that reports nothing fails:
 * TypeDoc sees test/fixtures/docs-canary (one undocumented function) in the same run as the
 * entry points, and rustdoc documents a one-function crate made here with the same flags.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENTRY_POINTS, ROOT, rustReference, scratchDir, typescriptReference } from "../../scripts/docs.ts";

const CANARY_TS = join(ROOT, "test/fixtures/docs-canary/index.ts");

describe("the API reference", () => {
  const scratch = scratchDir("hotloop-docs-");
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("TypeScript: every public item of hotloop, hotloop/render, hotloop/dev and hotloop/ship has its doc comment", async () => {
    const result = await typescriptReference({ entryPoints: [...ENTRY_POINTS, CANARY_TS] });
    // The canary's undocumented function is reported: the check sees a missing comment...
    const canary = result.problems.filter((p) => p.includes("docs-canary."));
    expect(canary).toHaveLength(1);
    expect(canary[0]).toContain("docs-canary.undocumentedCanary");
    expect(canary[0]).toContain("does not have any documentation");
    // ...and finds none in hotloop itself.
    expect(result.problems.filter((p) => !p.includes("docs-canary."))).toEqual([]);
  }, 120_000);

  test("Rust: cargo doc of the SDK has no undocumented public item and no broken doc link", () => {
    const sdk = rustReference({ targetDir: join(scratch, "sdk-target") });
    expect(sdk.problems).toEqual([]);
    expect(sdk.index).toEndWith("hotloop_sdk/index.html");
  }, 180_000);

  test("Rust: the same flags refuse a crate with an undocumented public function", () => {
    const crate = join(scratch, "canary");
    mkdirSync(join(crate, "src"), { recursive: true });
    writeFileSync(join(crate, "Cargo.toml"), '[package]\nname = "docs-canary"\nversion = "0.0.0"\nedition = "2021"\n\n[workspace]\n');
    writeFileSync(join(crate, "src/lib.rs"), "//! A canary.\n\n/// Documented.\npub fn documented() {}\n\npub fn undocumented() {}\n");
    const result = rustReference({ manifest: join(crate, "Cargo.toml"), pkg: "docs-canary", targetDir: join(scratch, "canary-target") });
    expect(result.problems.join("\n")).toContain("src/lib.rs:6:1: error: missing documentation for a function");
  }, 60_000);
});
