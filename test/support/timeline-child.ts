/**
 * The example's game with a timeline, run in this process by runGame (as `hotloop dev --timeline
 * --frames N` runs it, without the CLI's process.exit at the end), for test/cli/timeline-stdin.test.ts:
 * its stdin stays open, and the process must still end by itself once the game has run argv[2]
 * frames. Prints `exit <code>` on stdout when runGame returns.
 */
import { runGame } from "../../src/dev/game.ts";
import { loadProject } from "../../src/dev/project.ts";
import { REPO } from "./example.ts";

const project = await loadProject(REPO);
const code = await runGame(project, { headless: true, timeline: true, frames: Number(process.argv[2]), script: project.script });
console.log(`exit ${code}`);
// No process.exit here: anything still holding the event loop (stdin read for commands) keeps the process alive.
