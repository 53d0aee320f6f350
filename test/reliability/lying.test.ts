/**
 * A library cannot lie its way into the wrong code: a manifest that is not UTF-8, names of absurd
 * length, a system table shorter than the manifest, two systems of one name are refused with one
 * line before anything is called; a panic's text is reported on one line, cut on a character
 * boundary and marked as cut. Real builds (test/support/variants.ts).
 */
import { describe, expect, test } from "bun:test";
import { panicLine } from "../../src/hot/library.ts";
import { Trap } from "../fixtures/hot-fixture/components.ts";
import { refusedThenRecovers } from "./refusal.ts";
import { reliabilityFile, rig, SLOW, type Rig } from "./rig.ts";

const v = reliabilityFile("stamp1", "stamp2", "badUtf8", "longName", "shortTable", "sameNames", "panicText");
let r: Rig | undefined;

const refused = async (bad: Uint8Array, reason: string | RegExp) => void (r = await refusedThenRecovers(v, bad, reason));

describe("a library that lies is refused with one line; the game keeps running; the next build loads", () => {
  test("a manifest that is not UTF-8", async () => {
    await refused(v.badUtf8, "the manifest is not valid UTF-8 (at byte 36)");
  }, SLOW);

  test("a name of absurd length", async () => {
    await refused(v.longName, /manifest systems\[0\]\.name: .*256.*/);
  }, SLOW);

  test("a system table shorter than the manifest (its length is part of the ABI)", async () => {
    await refused(v.shortTable, "the system table has 0 entries but the manifest lists 1 systems");
  }, SLOW);

  test("two systems of one name", async () => {
    await refused(v.sameNames, "manifest lists two systems named twin");
  }, SLOW);
});

describe("a panic's text is one line", () => {
  test("line breaks shown, a long text cut on a character boundary and marked as cut", async () => {
    r = await rig(v.stamp1, ["mover", "trap", "stamp"]);
    const running = r;
    running.publish(v.panicText);
    await running.until(() => running.stamp() === 3, 1500, "stamp 3");
    Trap.armed[running.ids.trap] = 1;
    await running.frame();
    const [line, ...more] = running.lines((e) => e.type === "panic");
    expect(more).toEqual([]);
    expect(line).not.toContain("\n");
    expect(line).not.toContain("\uFFFD");
    expect(line).toContain("panicked: first line ⏎ second line ééé");
    expect(line).toMatch(/é… \(cut: 400\d\d bytes in all\); rolled back to the previous build \(now v3\)$/);
    expect(running.stamp()).toBe(1);
    running.expectIntact();
  }, SLOW);

  test("the rules on their own: a cut inside a character, control characters", () => {
    const bytes = new TextEncoder().encode("a\tb\u0001c\r\nd é");
    expect(panicLine(bytes, bytes.length)).toBe("a b\\x01c ⏎ d é");
    // The buffer ended inside "é" (2 bytes): the half character is dropped, the cut is said.
    expect(panicLine(bytes.subarray(0, bytes.length - 1), 99)).toBe("a b\\x01c ⏎ d … (cut: 99 bytes in all)");
    // A library that claims 2^40 bytes and wrote "boom": the text ends at the first NUL of the zeroed buffer.
    const claimed = new Uint8Array(153);
    claimed.set(new TextEncoder().encode("boom"));
    expect(panicLine(claimed, 2 ** 40)).toBe("boom… (cut: 1099511627776 bytes in all)");
  });
});
