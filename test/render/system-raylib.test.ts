// A system raylib is used only when it is the raylib the binding is generated for: the binding
// names every function of raylib_api.json (raylib 5.6-dev), and a distribution's 5.0 or 5.5 lacks
// some, which would be a refused library at start instead of the cache's build.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RAYLIB_VERSION, systemRaylibProblem } from "../../src/render/build-raylib.ts";

describe("a system raylib", () => {
  const root = mkdtempSync(join(tmpdir(), "hotloop-system-raylib-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A lib/libraylib.so.5.x.y beside an include/raylib.h that says `version` (none: no header). */
  function install(name: string, version?: string): string {
    const dir = join(root, name);
    mkdirSync(join(dir, "lib"), { recursive: true });
    const lib = join(dir, "lib", "libraylib.so.5.5.0");
    writeFileSync(lib, "");
    if (version !== undefined) {
      mkdirSync(join(dir, "include"), { recursive: true });
      writeFileSync(join(dir, "include", "raylib.h"), `#ifndef RAYLIB_H\n#define RAYLIB_VERSION  "${version}"\n#endif\n`);
    }
    return lib;
  }

  test("of the binding's version is used; another version, or one without its header, is passed over with the reason", () => {
    const saved = process.env.HOTLOOP_RAYLIB_INCLUDE;
    delete process.env.HOTLOOP_RAYLIB_INCLUDE;
    try {
      expect(systemRaylibProblem(install("same", RAYLIB_VERSION))).toBeUndefined();
      expect(systemRaylibProblem(install("older", "5.0"))).toBe(`it is raylib 5.0 and hotloop's binding is raylib ${RAYLIB_VERSION}'s`);
      // Without a header beside it, the system's include dirs are looked in (where a machine may have one).
      if (!existsSync("/usr/include/raylib.h") && !existsSync("/usr/local/include/raylib.h")) {
        expect(systemRaylibProblem(install("bare"))).toBe("no raylib.h beside it to tell its version");
      }
    } finally {
      if (saved !== undefined) process.env.HOTLOOP_RAYLIB_INCLUDE = saved;
    }
  });
});
