/**
 * A worker thread that replaces a library file many times while the main thread stages reloads:
 * first rewriting it in place (as Bun.write does: the same inode, no truncation until the end),
 * then replacing it whole by rename (as cargo and atomic writers do). The last write is `final`.
 */
import { renameSync, writeFileSync } from "node:fs";

export interface RewriteJob {
  readonly path: string;
  readonly builds: readonly Uint8Array[];
  /** Writes of each kind. */
  readonly writes: number;
  /** Longest pause after a write, in ms (random, from 0). */
  readonly pauseMs: number;
  readonly final: Uint8Array;
}

declare const self: Worker;

self.onmessage = ({ data }: MessageEvent<RewriteJob>) => {
  const { path, builds, writes, final, pauseMs } = data;
  const pause = () => Bun.sleepSync(Math.random() * pauseMs);
  for (let i = 0; i < writes; i++) {
    writeFileSync(path, builds[i % builds.length]!);
    pause();
  }
  for (let i = 0; i < writes; i++) {
    writeFileSync(`${path}.next`, builds[i % builds.length]!);
    renameSync(`${path}.next`, path);
    pause();
  }
  writeFileSync(`${path}.next`, final);
  renameSync(`${path}.next`, path);
  postMessage("done");
};
