/**
 * Reading `cargo build -vv` output: the rustc command cargo ran for the primary cdylib, and the
 * local (path) packages of the build. What the dev builder records to replay a build
 * (src/dev/rustc-replay.ts).
 */

/** A rustc command as cargo ran it: the variables cargo set, the program and its arguments. */
export interface RustcCommand {
  readonly env: Readonly<Record<string, string>>;
  readonly program: string;
  readonly args: readonly string[];
}

/** What a `-vv` build says the dev builder needs: the primary cdylib's rustc command, the local packages. */
export interface CargoRecording {
  readonly command: RustcCommand;
  /** Directories of the path packages cargo compiled or found fresh (the primary's own among them). */
  readonly pathPackages: readonly string[];
}

/** Splits a command line quoted as cargo prints it (POSIX shell words: '…', "…", backslash escapes). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) word += line[i] === "\\" && i + 1 < line.length ? line[++i] : line[i];
      if (i >= line.length) throw new Error(`unterminated " in: ${line}`);
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * The text of every ``Running `…` `` in cargo's output. A value cargo quotes may hold a newline
 * (a multi-line package description), so the command ends at the first backquote outside quotes,
 * not at the end of the line.
 */
export function runningCommands(output: string): string[] {
  const commands: string[] = [];
  const marker = /^[ \t]*Running `/gm;
  for (let m; (m = marker.exec(output)); ) {
    let i = m.index + m[0].length;
    const start = i;
    let quote: string | undefined;
    for (; i < output.length; i++) {
      const c = output[i]!;
      if (quote === "'") {
        if (c === "'") quote = undefined;
      } else if (quote === '"') {
        if (c === "\\") i++;
        else if (c === '"') quote = undefined;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "\\") i++;
      else if (c === "`") break;
    }
    if (i < output.length) commands.push(output.slice(start, i));
    marker.lastIndex = i;
  }
  return commands;
}

const ENV_WORD = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/**
 * The rustc command cargo ran for the primary package's cdylib; undefined when cargo did not
 * compile it (it was fresh). cargo quotes the variables and arguments but not the program, so a
 * program path with a space is put together again from the words before `--crate-name`.
 */
export function primaryRustcCommand(output: string): RustcCommand | undefined {
  let found: RustcCommand | undefined;
  for (const text of runningCommands(output)) {
    let words: string[];
    try {
      words = shellWords(text);
    } catch {
      continue;
    }
    const env: Record<string, string> = {};
    let i = 0;
    for (let m; i < words.length && (m = ENV_WORD.exec(words[i]!)); i++) env[m[1]!] = m[2]!;
    const crateName = words.indexOf("--crate-name", i);
    if (crateName <= i) continue;
    const program = words.slice(i, crateName).join(" ");
    const args = words.slice(crateName);
    const cdylib = args.some((a, j) => a === "--crate-type" && args[j + 1] === "cdylib");
    if (cdylib && env.CARGO_PRIMARY_PACKAGE === "1") found = { env, program, args };
  }
  return found;
}

/** The directories of the path packages cargo names in `Compiling`/`Checking`/`Fresh` lines: `Fresh name v0.1.0 (/dir)`. */
export function pathPackages(output: string): string[] {
  const dirs = new Set<string>();
  // Greedy to the line's last ")": a directory may hold parentheses. A git or registry source is not a path.
  for (const m of output.matchAll(/^[ \t]*(?:Compiling|Checking|Fresh) \S+ v\S+ \(((?:\/|[A-Za-z]:[\\/]).*)\)[ \t]*$/gm)) dirs.add(m[1]!);
  return [...dirs];
}

/** The recording of a `-vv` build's output, when cargo compiled the primary cdylib. */
export function cargoRecording(output: string): CargoRecording | undefined {
  const command = primaryRustcCommand(output);
  return command && { command, pathPackages: pathPackages(output) };
}

/** A Cargo.toml cargo could not read: where (the line and column when cargo gives them) and why. */
export interface ManifestProblem {
  /** The manifest's path as cargo printed it: relative to cargo's directory, or absolute. */
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** cargo's message: `missing comma between array elements, expected `,``. */
  readonly cause: string;
}

/**
 * cargo's error for a manifest it cannot read (a TOML syntax error, a value of the wrong type, a
 * missing field), from the output of any cargo command; undefined when the output holds none.
 * Reads cargo's formats: since 1.7x the compiler's (`error: <cause>` then ` --> Cargo.toml:8:12`),
 * before that `failed to parse manifest at `<path>``, `TOML parse error at line 8, column 12`,
 * the snippet, then the cause; and a cause without a place (`missing field `package.name``).
 */
export function manifestProblem(output: string): ManifestProblem | undefined {
  const lines = output.split("\n");
  for (let i = 0; i + 1 < lines.length; i++) {
    const error = /^error: (.+)$/.exec(lines[i]!);
    const at = /^\s*--> (.*Cargo\.toml):(\d+):(\d+)\s*$/.exec(lines[i + 1]!);
    if (error && at) return { file: at[1]!, line: Number(at[2]), column: Number(at[3]), cause: error[1]!.trim() };
  }
  // The older format, and causes without a place: the innermost manifest named, the innermost cause.
  let file: string | undefined;
  let cause: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    const named = /failed to (?:parse|load|read) manifest at `(.+Cargo\.toml)`/.exec(text);
    if (named) {
      file = named[1]!;
      cause = undefined;
      continue;
    }
    if (file === undefined) continue;
    const place = /^TOML parse error at line (\d+), column (\d+)$/.exec(text);
    if (place) {
      // The snippet (`  |`, ` 8 | …`, `  |   ^`), then the cause up to a blank line, in one or more lines (`invalid array` / `expected `]``).
      let j = i + 1;
      while (j < lines.length && (lines[j]!.trim() === "" || /^\s*\d*\s*\|/.test(lines[j]!))) j++;
      const words: string[] = [];
      for (; j < lines.length && lines[j]!.trim() !== ""; j++) words.push(lines[j]!.trim());
      return { file, line: Number(place[1]), column: Number(place[2]), cause: words.join(", ") || "not valid TOML" };
    }
    if (text && text !== "Caused by:" && !text.startsWith("error:")) cause = text;
  }
  return file !== undefined && cause !== undefined ? { file, cause } : undefined;
}

/** The problem as one line in the compiler's short format (`Cargo.toml:8:12: error: …`), its path shown by `show`. */
export function manifestLine(problem: ManifestProblem, show: (file: string) => string = (f) => f): string {
  const place = problem.line !== undefined ? `:${problem.line}:${problem.column}` : "";
  return `${show(problem.file)}${place}: error: ${problem.cause}`;
}
