/**
 * Cargo-style features from the command line: `--features reload`, `--features=reload,json`,
 * `--features "reload other"`, `-F reload`. Several flags add up.
 */
export function parseFeatures(argv: readonly string[]): Set<string> {
  const features = new Set<string>();
  const add = (list: string) => list.split(/[\s,]+/).filter(Boolean).forEach((f) => features.add(f));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--features" || arg === "-F") add(argv[++i] ?? "");
    else if (arg.startsWith("--features=")) add(arg.slice("--features=".length));
  }
  return features;
}

/** The value of `--name value` or `--name=value`, else undefined. */
export function option(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}
