/**
 * One library path that the hot fixture's builds are published to in turn, for tests of the swap
 * itself: the builds are test/support/variants.ts's (each built once per process), and a publish
 * puts one in place as cargo does, by a rename. It starts as `stamp2`.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeBuilders, variant, type VariantName } from "./variants.ts";

export function stampLibrary(): { readonly library: string; publish(name: VariantName): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-stamps-"));
  const library = join(dir, "libhot_fixture.so");
  beforeAll(async () => {
    await variant("stamp1"); // built before the tests start, so a publish inside one costs no build
    writeFileSync(library, await variant("stamp2"));
  }, 300_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    removeBuilders();
  });
  return {
    library,
    async publish(name) {
      writeFileSync(`${library}.tmp`, await variant(name));
      renameSync(`${library}.tmp`, library);
    },
  };
}
