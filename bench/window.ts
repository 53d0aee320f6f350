/**
 * What the suites that need a GL context share: whether this machine can give them one (a display
 * that answers, else xvfb-run), running a suite file under xvfb-run, and naming the renderer.
 */
import { dlopen, FFIType } from "bun:ffi";
import { raylibBuildProblem } from "../src/render/build-raylib.ts";
import { displayProblem } from "../src/render/raylib.ts";
import { xvfbMissing } from "../test/support/window-env.ts";
import type { MeasureOptions } from "./lib.ts";

/** GL_RENDERER of the current context, or "unknown". */
export function glRenderer(): string {
  try {
    const gl = dlopen("libGL.so.1", { glGetString: { args: [FFIType.u32], returns: FFIType.cstring } });
    const name = String(gl.symbols.glGetString(0x1f01) ?? "unknown");
    gl.close();
    return name;
  } catch {
    return "unknown";
  }
}

/** Why this machine cannot give a suite a GL context, or undefined; and whether it needs xvfb-run. */
export function windowWhere(): { skip?: string; xvfb: boolean } {
  const raylib = raylibBuildProblem();
  if (raylib) return { skip: `raylib cannot be built here: ${raylib.reason} (apt-get install -y ${raylib.packages.join(" ")})`, xvfb: false };
  const display = displayProblem();
  if (display === undefined) return { xvfb: false };
  const missing = xvfbMissing();
  if (missing.length > 0) return { skip: `no GL context: ${display}, and no Xvfb to use instead (apt-get install -y ${missing.join(" ")})`, xvfb: false };
  return { xvfb: true };
}

/**
 * Runs a suite file under xvfb-run (`bun <file> --measure <options> ...args`) and returns the
 * figures it prints as its last line of JSON.
 */
export async function measureFileUnderXvfb<F>(file: string, name: string, options: MeasureOptions, args: readonly string[] = []): Promise<F> {
  const cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", "bun", file, "--measure", JSON.stringify(options), ...args];
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "inherit" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new Error(`bench: ${name} under xvfb-run failed (exit ${code})`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as F;
}
