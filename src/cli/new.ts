/**
 * `hotloop new <dir>`: writes a starter game that runs at once: components, a game plugin with a
 * TypeScript and a hot Rust system, the Cargo crate, a test that steps the game, a README.
 *
 * hotloop is not on a registry yet, so by default the project depends on a tarball of the hotloop
 * this command runs from, packed into the project's `vendor/` (`bun pm pack` honours the package's
 * `files`: no tests, no build outputs, no .git, unlike a `file:` directory, which Bun copies whole).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { componentsOf, rustComponents, systemNamesModule } from "../dev/codegen.ts";
import { parseArgs, UsageError } from "./args.ts";

export const NEW_USAGE = `usage: hotloop new <dir> [--name NAME] [--hotloop SPEC]

Creates a starter game in <dir> (which must not exist or be empty), then:
  cd <dir> && bun install && bun run dev --features reload

options:
  --name NAME      the package name (default: the directory's name)
  --hotloop SPEC   the dependency spec for hotloop (default: a tarball of this hotloop in vendor/)`;

/** The hotloop package this CLI belongs to. */
const PACKAGE_ROOT = resolve(import.meta.dir, "../..");
const TEMPLATE = join(PACKAGE_ROOT, "templates/starter");
/** Template files whose names tools would otherwise take for real ones. */
const RENAMED: Record<string, string> = { "package.template.json": "package.json", "gitignore.template": ".gitignore" };

/** `hotloop new`. */
export async function newCommand(argv: readonly string[], say: (line: string) => void = console.log): Promise<number> {
  const args = parseArgs(argv, [{ name: "help", short: "-h" }, { name: "name", value: "string" }, { name: "hotloop", value: "string" }]);
  if (args.has("help")) {
    console.log(NEW_USAGE);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError(args.positional.length ? `one directory, got ${args.positional.length}` : "which directory? (hotloop new <dir>)");
  const dir = resolve(args.positional[0]!);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} exists and is not empty`);
  const name = args.string("name") ?? packageName(basename(dir));
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new UsageError(`"${name}" is not a package name (lowercase letters, digits, - . _): pass --name`);

  mkdirSync(dir, { recursive: true });
  const ours = await Bun.file(join(PACKAGE_ROOT, "package.json")).json();
  const spec = args.string("hotloop") ?? (await packInto(join(dir, "vendor")));
  const values: Record<string, string> = {
    name,
    crate: `${name.replace(/[._]/g, "-")}-systems`,
    hotloop: spec,
    hotloopNote: spec,
    typesBun: ours.devDependencies?.["@types/bun"] ?? "latest",
    typescript: ours.devDependencies?.typescript ?? "latest",
  };
  let files = 0;
  for (const file of templateFiles(TEMPLATE)) {
    const text = readFileSync(join(TEMPLATE, file), "utf8").replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key] ?? m);
    const target = join(dir, RENAMED[file] ?? file);
    mkdirSync(resolve(target, ".."), { recursive: true });
    writeFileSync(target, text);
    files++;
  }
  // Generated files exist from the start: the project typechecks, and cargo builds, before any hotloop command ran.
  const components = componentsOf(await import(join(TEMPLATE, "src/components.ts")));
  mkdirSync(join(dir, "systems/components/src"), { recursive: true });
  writeFileSync(join(dir, "systems/components/src/lib.rs"), rustComponents(components, "src/components.ts"));
  writeFileSync(join(dir, "src/systems.gen.ts"), systemNamesModule(undefined));
  say(`hotloop: created ${name} in ${dir} (${files + 2} files; hotloop from ${spec})`);
  say(`next:\n  cd ${relative(process.cwd(), dir) || "."}\n  bun install\n  bun run dev --features reload   # build, run, and swap in every Rust edit you save\n  bun test`);
  return 0;
}

/** Packs this hotloop with `bun pm pack` into `dir`; returns the `file:` spec, relative to the project. */
async function packInto(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const proc = Bun.spawn([process.execPath, "pm", "pack", "--destination", dir, "--quiet", "--ignore-scripts"], { cwd: PACKAGE_ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bun pm pack in ${PACKAGE_ROOT} failed: ${err.trim().split("\n").at(-1)}`);
  const tarball = basename(out.trim().split("\n").at(-1)!);
  return `file:vendor/${tarball}`;
}

function templateFiles(root: string, under = ""): string[] {
  return readdirSync(join(root, under), { withFileTypes: true }).flatMap((entry) => {
    const path = under ? `${under}/${entry.name}` : entry.name;
    return entry.isDirectory() ? templateFiles(root, path) : [path];
  });
}

/** A directory name as a package name: lowercase, other characters as dashes. */
function packageName(dirName: string): string {
  return dirName.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[-._]+|-+$/g, "") || "game";
}
