/**
 * Every relative link of README.md, the guide's chapters (docs/*.md) and bench/README.md points
 * at a file that exists, and every `#anchor` (in the same file or another's) at a heading that
 * file has, named as GitHub names it (`## The SDK's reference` → `#the-sdks-reference`). A
 * chapter renamed or a heading reworded fails here with the link's file and line.
 *
 * Links inside code (fenced or indented blocks, `inline code`) are text, not links, and are
 * skipped; so are absolute URLs (`https:`, `mailto:`), which need the network. The checker runs
 * on a small broken set first, so a checker that finds nothing fails too.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";

const REPO = resolve(import.meta.dir, "../..");

/** The documents whose links are checked, relative to the repository. */
const DOCUMENTS = [
  "README.md",
  ...readdirSync(join(REPO, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
  "bench/README.md",
];

/** A link found in a document: where it is and what it points at. */
interface Link {
  readonly line: number;
  readonly target: string;
}

/** The lines of a markdown text with code blanked out: fenced blocks, indented blocks, code spans. */
function proseLines(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  let previousBlank = true;
  let inIndented = false;
  for (const line of markdown.split("\n")) {
    const fenceMark = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (fence) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = undefined;
      out.push("");
      continue;
    }
    if (fenceMark) {
      fence = fenceMark;
      out.push("");
      continue;
    }
    // An indented code block starts after a blank line and goes on while lines stay indented (or blank).
    const indented = /^( {4}|\t)/.test(line);
    if (indented && (previousBlank || inIndented)) inIndented = true;
    else if (line.trim() !== "") inIndented = false;
    previousBlank = line.trim() === "";
    out.push(inIndented ? "" : line.replace(/(`+)[\s\S]*?\1/g, ""));
  }
  return out;
}

/** The links of a markdown text (`[text](target)`, `![alt](target)`, with or without a title). */
export function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  proseLines(markdown).forEach((line, i) => {
    for (const m of line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line: i + 1, target: m[1]! });
    }
  });
  return links;
}

/** A heading's anchor as GitHub makes it: lower case, code marks and punctuation dropped, spaces to dashes. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link: its text
    .replace(/<[^>]+>/g, "") // inline HTML
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** The anchors of a markdown text's headings, duplicates numbered as GitHub numbers them (`x`, `x-1`). */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown.replace(/`([^`]*)`/g, "$1"))) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/**
 * What is wrong with the links of the documents `files` (paths relative to `root`): one line
 * each, `file:line: link to target: why`.
 */
export function brokenLinks(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  const texts = new Map<string, string>();
  const read = (file: string) => {
    if (!texts.has(file)) texts.set(file, readFileSync(file, "utf8"));
    return texts.get(file)!;
  };
  for (const doc of files) {
    const path = join(root, doc);
    for (const { line, target } of linksOf(read(path))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
      const hash = target.indexOf("#");
      const file = hash < 0 ? target : target.slice(0, hash);
      const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const to = file === "" ? path : resolve(dirname(path), decodeURIComponent(file));
      const where = `${doc}:${line}: link to ${target}`;
      if (!existsSync(to)) {
        problems.push(`${where}: ${relative(root, to)} does not exist`);
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(to).isDirectory() || !to.endsWith(".md")) {
        problems.push(`${where}: an anchor into ${relative(root, to)}, which is not a markdown file`);
        continue;
      }
      const anchors = anchorsOf(read(to));
      if (!anchors.has(anchor)) problems.push(`${where}: ${relative(root, to)} has no heading #${anchor} (it has: ${[...anchors].join(", ")})`);
    }
  }
  return problems;
}

describe("the documents' links", () => {
  test("the checker finds links outside code only, and anchors as GitHub makes them", () => {
    const text = [
      "# The `hotloop` command",
      "## The SDK's reference",
      "## Rust systems: the whole vocabulary",
      "## Notes",
      "## Notes",
      "See [a](docs/a.md), ![b](b.png \"title\") and `[not](this.md)`.",
      "```",
      "[not](that.md)",
      "```",
      "",
      "    [not](indented.md)",
      "[c](#notes-1) [d](https://example.com)",
    ].join("\n");
    expect(linksOf(text).map((l) => `${l.line} ${l.target}`)).toEqual(["6 docs/a.md", "6 b.png", "12 #notes-1", "12 https://example.com"]);
    expect([...anchorsOf(text)]).toEqual(["the-hotloop-command", "the-sdks-reference", "rust-systems-the-whole-vocabulary", "notes", "notes-1"]);
  });

  test("a missing file and a missing heading are reported (the checker is not blind)", () => {
    const root = mkdtempDocs({
      "README.md": "# Top\n\n[ok](docs/a.md#first) [gone](docs/gone.md) [moved](docs/a.md#second) [self](#top) [bad self](#bottom)\n",
      "docs/a.md": "# First\n",
    });
    const problems = brokenLinks(root, ["README.md", "docs/a.md"]);
    rmSync(root, { recursive: true, force: true });
    expect(problems).toEqual([
      "README.md:3: link to docs/gone.md: docs/gone.md does not exist",
      "README.md:3: link to docs/a.md#second: docs/a.md has no heading #second (it has: first)",
      "README.md:3: link to #bottom: README.md has no heading #bottom (it has: top)",
    ]);
  });

  test("every relative link and #anchor of README.md, docs/*.md and bench/README.md resolves: fix the link at the line named", () => {
    expect(DOCUMENTS).toContain("docs/rendering.md");
    const checked = DOCUMENTS.flatMap((doc) => linksOf(readFileSync(join(REPO, doc), "utf8")));
    // The README's chapter index alone has a dozen: a parser that finds none is broken.
    expect(checked.length).toBeGreaterThan(30);
    expect(brokenLinks(REPO, DOCUMENTS)).toEqual([]);
  });
});

/** A temporary directory holding `files` (path → text), for the checker's own test. */
function mkdtempDocs(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "hotloop-links-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}
