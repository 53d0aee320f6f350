/**
 * `bun run codegen [--check]`: writes the Rust views of the TypeScript components, for every
 * target listed under "hotloop.codegen" in package.json. `--check` writes nothing and exits 1 when
 * a generated file is out of date. The dev runner runs it before each build.
 */
import { relative, resolve } from "node:path";
import { componentsOf, rustComponents } from "../src/hot/codegen.ts";

/** One codegen target: a TS module of components and the Rust file it becomes. */
export interface CodegenTarget {
  readonly components: string;
  readonly out: string;
}

const root = resolve(import.meta.dir, "..");

/** The targets configured in package.json. */
export async function codegenTargets(): Promise<CodegenTarget[]> {
  const pkg = await Bun.file(resolve(root, "package.json")).json();
  return pkg.hotloop?.codegen ?? [];
}

/** Generates every target; returns the files that were (or, with check, would be) changed. */
export async function codegen(options: { check?: boolean; targets?: CodegenTarget[] } = {}): Promise<string[]> {
  const changed: string[] = [];
  for (const target of options.targets ?? (await codegenTargets())) {
    const module = await import(resolve(root, target.components));
    const components = componentsOf(module);
    if (components.length === 0) throw new Error(`codegen: ${target.components} exports no components`);
    const text = rustComponents(components, relative(root, resolve(root, target.components)));
    const out = resolve(root, target.out);
    const file = Bun.file(out);
    const current = (await file.exists()) ? await file.text() : "";
    if (current === text) continue;
    changed.push(relative(root, out));
    if (!options.check) await Bun.write(out, text);
  }
  return changed;
}

if (import.meta.main) {
  const check = process.argv.includes("--check");
  const changed = await codegen({ check });
  if (check && changed.length) {
    console.error(`codegen: out of date: ${changed.join(", ")} (run bun run codegen)`);
    process.exit(1);
  }
  console.log(changed.length ? `codegen: wrote ${changed.join(", ")}` : "codegen: up to date");
}
