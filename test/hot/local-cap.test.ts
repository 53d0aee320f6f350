/**
 * Issue 24: a `Local` over MAX_LOCAL_BYTES is one system's problem, not its library's: the
 * manifest parses, the system gets one line naming it and its Local, the others have none. A size
 * no type can have (not a safe integer) is still the manifest's problem.
 */
import { describe, expect, test } from "bun:test";
import { ComponentRegistry } from "../../src/ecs/index.ts";
import { HOTLOOP_ABI_VERSION, librarySystemProblems, MAX_LOCAL_BYTES, parseManifest, systemProblem } from "../../src/hot/manifest.ts";

const local = (size: number, type = "Gun{shots:u32,history:[[u16; 32]; 32]}") => ({ kind: "local", type, size, align: 4 });

function manifestText(bigSize: number): string {
  return JSON.stringify({
    abi: HOTLOOP_ABI_VERSION,
    sdk: "0.1.0",
    crate: "game",
    hooks: { load: false, unload: false },
    components: [],
    resources: [],
    events: [],
    systems: [
      { name: "innocent", schedule: "Update", params: [local(16, "u32")] },
      { name: "big_one", schedule: "Update", params: [local(8, "u64"), local(bigSize)] },
    ],
  });
}

const TAIL = "a Local is at most 1 MiB (keep big state in a resource or a component)";

describe("a Local over the cap", () => {
  test("the manifest parses; only the system with it has a problem, one line naming it and the Local's type", () => {
    const m = parseManifest(manifestText(4 << 20));
    const registry = new ComponentRegistry();
    expect(systemProblem(m, m.systems[0]!, registry)).toBeUndefined();
    expect(systemProblem(m, m.systems[1]!, registry)).toBe(`system big_one takes Local<Gun>, which is 4 MiB; ${TAIL}`);
    expect(librarySystemProblems(m)).toEqual([`system big_one takes Local<Gun>, which is 4 MiB; ${TAIL}`]);
  });

  test("sizes as a person reads them: whole MiB, two decimals, bytes where two decimals would look like the cap", () => {
    const line = (size: number) => librarySystemProblems(parseManifest(manifestText(size)))[0];
    expect(line(MAX_LOCAL_BYTES)).toBeUndefined(); // the cap itself is allowed
    expect(line((2 << 20) + 4)).toBe(`system big_one takes Local<Gun>, which is 2.00 MiB; ${TAIL}`);
    expect(line(MAX_LOCAL_BYTES + 1)).toBe(
      "system big_one takes Local<Gun>, which is 1048577 bytes; a Local is at most 1048576 bytes (keep big state in a resource or a component)",
    );
  });

  test("a size no type can have still refuses the manifest", () => {
    expect(() => parseManifest(manifestText(2 ** 60))).toThrow(/^manifest systems\[1\]\.params\[1\]\.size: /);
    expect(() => parseManifest(manifestText(-1))).toThrow(/^manifest systems\[1\]\.params\[1\]\.size: /);
  });
});
