/** `hotloop release --target`: the host's target is accepted; another is refused with what it would need. */
import { expect, test } from "bun:test";
import { ProjectError } from "../../src/dev/project.ts";
import { checkTarget, HOST_TARGET } from "../../src/dev/release.ts";

test("only the host's target; another is one line that says what it would need", () => {
  expect(() => checkTarget(undefined)).not.toThrow();
  expect(() => checkTarget(`bun-${HOST_TARGET}`)).not.toThrow();
  expect(() => checkTarget(`bun-${HOST_TARGET}-baseline`)).not.toThrow();
  const other = HOST_TARGET === "darwin-arm64" ? "bun-linux-x64" : "bun-darwin-arm64";
  const wanted = other.replace(/^bun-/, "");
  let error: unknown;
  try {
    checkTarget(other);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ProjectError);
  expect((error as Error).message).toBe(
    `--target ${other}: only this machine's target (${HOST_TARGET}) can be released from here: Bun can compile the TypeScript for ${wanted}, but the hot library and raylib are native code; a release for ${wanted} needs the crate built for that Rust target and a raylib built for it (build the release on a ${wanted} machine)`,
  );
});
