/**
 * A library that can never load here says why, in words that name the fault: one built for
 * another CPU is refused by the ELF check before dlopen, and one whose C dependency is missing
 * names that dependency (the loader's own message, kept whole).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { elfProblem } from "../../src/hot/elf.ts";
import { HotLibrary } from "../../src/hot/library.ts";

const dir = mkdtempSync(join(tmpdir(), "hotloop-library-kind-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("an ELF image built for another CPU is refused as such, before dlopen", () => {
  // A shared object this process has mapped (libc, libm…): complete, and built for this machine.
  const mapped = readFileSync("/proc/self/maps", "utf8").split("\n").map((l) => l.split(/\s+/)[5] ?? "").find((p) => /\/lib[^/]*\.so(\.\d+)*$/.test(p));
  expect(mapped).toBeDefined();
  const bytes = new Uint8Array(readFileSync(mapped!));
  expect(elfProblem(bytes)).toBeUndefined();
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const host = view.getUint16(18, true);
  view.setUint16(18, host === 183 ? 62 : 183, true);
  expect(elfProblem(bytes)).toBe(host === 183 ? "built for x86-64, not for this machine (AArch64): build it here, for this machine's target" : "built for AArch64, not for this machine (x86-64): build it here, for this machine's target");
});

test.skipIf(!Bun.which("cc"))("a library whose C dependency is missing names the dependency", () => {
  writeFileSync(join(dir, "dep.c"), "int dep(void) { return 1; }\n");
  writeFileSync(join(dir, "main.c"), "int dep(void);\nint f(void) { return dep(); }\n");
  const cc = (...args: string[]) => expect(Bun.spawnSync(["cc", ...args], { cwd: dir }).exitCode).toBe(0);
  cc("-shared", "-fPIC", "dep.c", "-o", "libhotloop_gone_dep.so");
  cc("-shared", "-fPIC", "main.c", "-o", "libmain.so", "-L.", "-lhotloop_gone_dep");
  rmSync(join(dir, "libhotloop_gone_dep.so"));
  let message = "";
  try {
    new HotLibrary(join(dir, "libmain.so"), join(dir, "libmain.so"), "h");
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toBe("it needs libhotloop_gone_dep.so, which is not installed or not on the loader's path (libhotloop_gone_dep.so: cannot open shared object file: No such file or directory)");
});
