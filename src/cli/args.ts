/**
 * Strict command-line parsing for the `hotloop` commands: every flag is declared, so a typo
 * (`--frame 30`), a missing value (`--frames` last) or an unknown feature (`--features relaod`)
 * is one line naming the mistake, never silently ignored.
 */

/** A mistake on the command line: printed as one line with the command's name, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A declared flag: a switch, or an option with a value. */
export interface FlagSpec {
  readonly name: string;
  readonly value?: "string" | "number";
  /** The value may be left out (`--inspect` or `--inspect 9229`): taken only as `=V` or a next argument that is a number. */
  readonly optionalValue?: boolean;
  /** Short alias, e.g. `-F`. */
  readonly short?: string;
  /** May be given more than once (values add up). */
  readonly repeat?: boolean;
}

/** Parsed flags and positional arguments. */
export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, string[]>;
  readonly positional: readonly string[];
  has(name: string): boolean;
  string(name: string): string | undefined;
  /** A non-negative number, or undefined when absent. */
  number(name: string): number | undefined;
}

/** Parses `argv` against `specs`; throws UsageError on anything undeclared or malformed. */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const key = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = key.startsWith("--") ? byName.get(key.slice(2)) : byShort.get(key);
    if (!spec) throw new UsageError(`unknown option ${key}${suggest(key.replace(/^-+/, ""), specs.map((s) => s.name), "--")}`);
    let value: string | undefined;
    if (spec.value && spec.optionalValue && eq < 0) {
      const next = argv[i + 1];
      value = next !== undefined && /^\d+$/.test(next) ? argv[++i]! : "";
    } else if (spec.value) {
      value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith("--"))) throw new UsageError(`--${spec.name} needs a value`);
      if (spec.value === "number" && !(Number.isFinite(Number(value)) && Number(value) >= 0 && value.trim() !== "")) {
        throw new UsageError(`--${spec.name} needs a non-negative number, got "${value}"`);
      }
    } else if (eq > 0) {
      throw new UsageError(`--${spec.name} takes no value`);
    }
    const list = flags.get(spec.name) ?? [];
    if (list.length && !spec.repeat) throw new UsageError(`--${spec.name} is given twice`);
    list.push(value ?? "");
    flags.set(spec.name, list);
  }
  return {
    flags,
    positional,
    has: (name) => flags.has(name),
    string: (name) => flags.get(name)?.at(-1),
    number: (name) => {
      const text = flags.get(name)?.at(-1);
      return text === undefined ? undefined : Number(text);
    },
  };
}

/** The features named by `--features a,b` / `-F a` (repeatable), each checked against `known`. */
export function parseFeatureList(values: readonly string[], known: readonly string[]): Set<string> {
  const features = new Set<string>();
  for (const feature of values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean)) {
    if (!known.includes(feature)) throw new UsageError(`unknown feature "${feature}"${suggest(feature, known, "")} (features: ${known.join(", ")})`);
    features.add(feature);
  }
  return features;
}

/** ` (did you mean --frames?)` when a known name is within two edits of `word`. */
function suggest(word: string, names: readonly string[], prefix: string): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = editDistance(word, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best ? ` (did you mean ${prefix}${best}?)` : "";
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
