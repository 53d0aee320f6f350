/**
 * Where hotloop writes generated files (the Rust views of the components, the typed system names):
 * only inside the project, and only over a file that is missing or that hotloop generated (it
 * carries the `@generated` mark in its first lines). A config key that points at the game's own
 * source, or outside the project, is one line and nothing written: a typo in package.json must
 * never cost a file.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { ProjectError, type Project } from "./project.ts";

/** The mark every generated file carries near its top. */
export const GENERATED_MARK = "@generated";

/** Throws a ProjectError unless `path` may be written with generated text (see the module doc); `key` names the config key it came from. */
export function checkGeneratedTarget(project: Project, path: string, key: string): void {
  // The project is its root and its crate, which the config may place elsewhere ("crate": "../systems").
  const within = (root: string) => {
    const inside = relative(root, path);
    return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside);
  };
  if (!within(project.root) && !(project.crateDir !== undefined && within(project.crateDir))) {
    throw new ProjectError(`hotloop.${key}: ${path} is outside the project (${project.root}${project.crateDir && !within(project.root) ? ` and its crate ${project.crateDir}` : ""}): generated files are written only inside it; nothing was written`);
  }
  if (!existsSync(path)) return;
  const head = readFileSync(path, "utf8").split("\n").slice(0, 5).join("\n");
  if (!head.includes(GENERATED_MARK)) {
    throw new ProjectError(`hotloop.${key}: ${project.show(path)} is not a file hotloop generated (no ${GENERATED_MARK} mark near its top): not overwritten; point ${key} at another file, or delete this one if it is yours to lose`);
  }
}
