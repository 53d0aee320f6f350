/**
 * The game's own modules: every file reachable from the entry through relative imports (never a
 * package, so neither node_modules nor hotloop itself), with who imports whom. A TypeScript reload
 * re-evaluates the changed modules and the modules that import them, nothing else.
 */
import { dirname, resolve } from "node:path";

const transpiler = new Bun.Transpiler({ loader: "tsx" });
const RELATIVE = /^\.{1,2}\//;

/** Each game module with the game modules it imports. */
export interface ModuleGraph {
  readonly entry: string;
  /** Absolute path → the game modules it imports (absolute paths). */
  readonly imports: ReadonlyMap<string, readonly string[]>;
}

/**
 * Scans the modules reachable from `entry` through relative imports. A file that cannot be read
 * or parsed is kept as a module with no imports: importing it reports its error with file:line.
 */
export async function scanGameModules(entry: string): Promise<ModuleGraph> {
  const imports = new Map<string, string[]>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (imports.has(file)) continue;
    const found: string[] = [];
    imports.set(file, found);
    let code: string;
    try {
      code = await Bun.file(file).text();
    } catch {
      continue;
    }
    let specifiers: string[];
    try {
      specifiers = transpiler.scanImports(code).map((i) => i.path);
    } catch {
      continue; // a syntax error: import() says where
    }
    for (const specifier of specifiers) {
      if (!RELATIVE.test(specifier)) continue;
      let target: string;
      try {
        target = Bun.resolveSync(specifier, dirname(file));
      } catch {
        continue; // a missing module: import() says which
      }
      if (target.includes("/node_modules/")) continue;
      found.push(target);
      queue.push(target);
    }
  }
  return { entry: resolve(entry), imports };
}

/** `changed` and every game module that imports one of them, directly or not. */
export function withImporters(graph: ModuleGraph, changed: Iterable<string>): Set<string> {
  const importers = new Map<string, string[]>();
  for (const [file, deps] of graph.imports) for (const dep of deps) importers.set(dep, [...(importers.get(dep) ?? []), file]);
  const out = new Set<string>();
  const queue = [...changed];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (out.has(file)) continue;
    out.add(file);
    queue.push(...(importers.get(file) ?? []));
  }
  return out;
}

/** Makes the next `import()` of these modules evaluate them again (Bun's module registry is `require.cache`, ESM included). */
export function forgetModules(files: Iterable<string>): void {
  for (const file of files) delete require.cache[registryKey(file)];
}

/** Per game module, how many times its registry key was renewed (see {@link renewRegistryKeys}). */
const keyVersions = new Map<string, number>();
let keyResolver = false;

/** The key a game module has in Bun's registry: its path, or `path?hotloop=N` once renewed. Import a module by this. */
export function registryKey(file: string): string {
  const version = keyVersions.get(file);
  return version === undefined ? file : `${file}?hotloop=${version}`;
}

/** Whether a game module's last load settled (evaluated or failed), as Bun's registry shows it. */
export function isSettled(file: string): boolean {
  return registryKey(file) in require.cache;
}

/**
 * Gives modules new registry keys. A module whose top-level await never settles holds its key
 * forever: Bun evicts only settled entries (oven-sh/bun#40123), and every later import of the path
 * joins the load that never ends. From here on, imports of these paths resolve to `path?hotloop=N`
 * (a resolver plugin, installed on the first renewal), a key the stalled load does not hold.
 */
export function renewRegistryKeys(files: Iterable<string>): void {
  for (const file of files) {
    installKeyResolver();
    keyVersions.set(file, (keyVersions.get(file) ?? 0) + 1);
  }
}

function installKeyResolver(): void {
  if (keyResolver) return;
  keyResolver = true;
  let resolving = false; // Bun.resolveSync below runs this resolver again: that inner call answers with the default
  Bun.plugin({
    name: "hotloop-renewed-module-keys",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (resolving) return undefined;
        resolving = true;
        try {
          const from = args.importer ? dirname(args.importer.replace(/\?.*$/, "")) : process.cwd();
          const path = Bun.resolveSync(args.path, from);
          const version = keyVersions.get(path);
          return version === undefined ? undefined : { path: `${path}?hotloop=${version}` };
        } catch {
          return undefined; // not a file this resolver knows: Bun's own resolution says what it is
        } finally {
          resolving = false;
        }
      });
    },
  });
}

/**
 * After an import that failed to link (an export another module imports is gone), the modules it
 * fetched but never evaluated stay in Bun's registry, out of `require.cache`'s reach (only settled
 * entries are evicted, oven-sh/bun#40123), and every later import would link against their stale
 * exports until a restart. Importing each one settles it so it can be forgotten. That evaluates
 * the saved version's top level once, as the save meant to; `run` wraps the imports (the caller
 * keeps component definitions from registering anything). Errors are the failed attempt's, said
 * already. One that does not settle within `timeoutMs` (a top-level await) gets a new key instead.
 */
export async function settleFailedImport(files: Iterable<string>, timeoutMs: number, run: (imports: () => Promise<void>) => Promise<void>): Promise<void> {
  const unsettled = [...files].filter((file) => !isSettled(file));
  await run(async () => {
    for (const file of unsettled) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settled = import(registryKey(file)).then(
        () => true,
        () => true, // its own error is cached as settled, which delete evicts
      );
      const late = new Promise<false>((done) => (timer = setTimeout(() => done(false), timeoutMs)));
      const inTime = await Promise.race([settled, late]);
      clearTimeout(timer);
      if (!inTime) break;
    }
  });
  renewRegistryKeys(unsettled.filter((file) => !isSettled(file)));
  forgetModules(unsettled);
}
