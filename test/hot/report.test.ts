import { expect, test } from "bun:test";
import { consoleReporter, formatEvent } from "../../src/hot/report.ts";

test("events print as readable lines or as JSON lines", () => {
  const ok = { type: "reload", status: "ok", file: "/x/target/debug/libgame.so", version: 3, detectedMs: 5.2, loadMs: 1.04, swapMs: 0.031, totalMs: 7.3 } as const;
  expect(formatEvent(ok)).toBe("hotloop: reloaded libgame.so → v3 in 7.30 ms (detected 5.20 ms, loaded 1.04 ms, swapped 0.03 ms)");
  expect(formatEvent({ type: "reload", status: "refused", file: "/x/libgame.so", version: 2, reason: "the file is truncated" })).toBe(
    "hotloop: refused /x/libgame.so: the file is truncated (still running v2)",
  );
  expect(formatEvent({ type: "build", status: "failed", crate: "game", ms: 1500, error: "src/lib.rs:3:1: error: x" })).toBe(
    "hotloop: build of game failed after 1.50 s; the game keeps running the last good code\nsrc/lib.rs:3:1: error: x",
  );
  const lines: string[] = [];
  consoleReporter("json", (l) => void lines.push(l))(ok);
  const parsed = JSON.parse(lines[0]!);
  expect(parsed).toMatchObject({ type: "reload", status: "ok", version: 3, totalMs: 7.3 });
  expect(typeof parsed.time).toBe("string");
});
