/**
 * The host's half of the approval tests of the hot-library ABI. The SDK's tests check the same
 * golden files against what the Rust compiler lays out and what the SDK writes
 * (systems-rs/hotloop-sdk/src/tests.rs): a change on one side only fails one of them.
 */
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { App } from "../../src/core/index.ts";
import { COMMAND_QUEUE_LAYOUT } from "../../src/core/commands.ts";
import { CAMERA2D_LAYOUT } from "../../src/core/camera.ts";
import { GLOBAL_RNG_LAYOUT } from "../../src/core/rng.ts";
import { DRAW_EXTENSION_LAYOUT, DRAW_LIST_LAYOUT, DRAW_RECORD_LAYOUT } from "../../src/core/draw-list.ts";
import { AUDIO_LIST_LAYOUT, AUDIO_RECORD_LAYOUT } from "../../src/core/audio-list.ts";
import { INPUT_LAYOUT } from "../../src/core/input.ts";
import { TIME_LAYOUT } from "../../src/core/time.ts";
import { defineComponent, defineEvent, defineResource, defineTag, EVENT_QUEUE_LAYOUT, EVENT_READER_LAYOUT, type StructLayout } from "../../src/ecs/index.ts";
import { CallContext } from "../../src/hot/call-context.ts";
import { hostParamsOf } from "../../src/hot/host-params.ts";
import { describeParams, HOTLOOP_ABI_VERSION, parseManifest, systemProblem } from "../../src/hot/manifest.ts";

const ABI = resolve(import.meta.dir, "../../systems-rs/hotloop-sdk/abi");
const lines = async (file: string) => (await Bun.file(resolve(ABI, file)).text()).split("\n").filter((l) => l && !l.startsWith("#"));

// The definitions the SDK's test crate declares with component!/resource!/event!.
const Position = defineComponent("Position", { x: "f32", y: "f32" });
const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
const Player = defineTag("Player");
const Frozen = defineTag("Frozen");
const Score = defineResource("Score", { value: "u32" });
const Boom = defineEvent("Boom", { x: "f32", power: "u8" });

/** The golden line of a struct as the host lays it out: `Name size=N align=N field=offset ...`. */
function layoutLine(label: string, s: StructLayout): string {
  return `${label} size=${s.size} align=${s.align}${s.fields.map((f) => ` ${f.name}=${f.offset}`).join("")}`;
}

describe("the golden ABI files", () => {
  test("the host's views of the shared structs have Rust's sizes and offsets (abi/structs.golden.txt)", async () => {
    const host = [
      layoutLine("TimeData", TIME_LAYOUT),
      layoutLine("InputData", INPUT_LAYOUT),
      layoutLine("CommandQueueData", COMMAND_QUEUE_LAYOUT),
      layoutLine("EventQueueData", EVENT_QUEUE_LAYOUT),
      layoutLine("EventReaderData", EVENT_READER_LAYOUT),
      layoutLine("DrawListData", DRAW_LIST_LAYOUT),
      layoutLine("DrawRecord", DRAW_RECORD_LAYOUT),
      layoutLine("DrawExtension", DRAW_EXTENSION_LAYOUT),
      layoutLine("Camera2D", CAMERA2D_LAYOUT),
      layoutLine("AudioListData", AUDIO_LIST_LAYOUT),
      layoutLine("AudioRecord", AUDIO_RECORD_LAYOUT),
      layoutLine("GlobalRng", GLOBAL_RNG_LAYOUT),
      layoutLine("Score", Score.struct),
      layoutLine("Boom", Boom.struct),
    ];
    expect(host.sort()).toEqual((await lines("structs.golden.txt")).sort());
  });

  test("the golden manifest parses with the host's schema, and its layouts are the host's", async () => {
    const manifest = parseManifest(await Bun.file(resolve(ABI, "manifest.golden.json")).text());
    expect(manifest.abi).toBe(HOTLOOP_ABI_VERSION);
    const hashes = Object.fromEntries([...manifest.components, ...manifest.resources, ...manifest.events].map((l) => [l.name, l.hash]));
    expect(hashes).toEqual({
      Position: Position.layout.hash,
      Velocity: Velocity.layout.hash,
      Player: Player.layout.hash,
      Frozen: Frozen.layout.hash,
      Time: TIME_LAYOUT.layout.hash,
      Input: INPUT_LAYOUT.layout.hash,
      Camera2D: CAMERA2D_LAYOUT.layout.hash,
      Score: Score.struct.layout.hash,
      Boom: Boom.struct.layout.hash,
    });
    const keep = manifest.systems.find((s) => s.name === "keep_score")!;
    expect(describeParams(keep.params)).toBe("Commands, ResMut<Score>, Local<Counter{calls:u32,last:f64}>, EventWriter<Boom>, EventReader<Boom>, DrawList, Audio");
    const chase = manifest.systems.find((s) => s.name === "chase")!;
    expect(describeParams(chase.params)).toBe("Query<(Entity, Write<Position>, Option<Read<Velocity>>), Without<Player>>, Query<Read<Position>, With<Player>>");
  });

  test("the host lays out each golden system's call context slot for slot (abi/slots.golden.txt)", async () => {
    const manifest = parseManifest(await Bun.file(resolve(ABI, "manifest.golden.json")).text());
    const app = new App();
    app.registerComponents(Position, Velocity, Player, Frozen);
    app.insertResource(new Score());
    app.addEvent(Boom);
    const golden = await lines("slots.golden.txt");
    expect(golden.map((l) => l.split(":")[0])).toEqual(manifest.systems.map((s) => s.name));
    for (const line of golden) {
      const [name, slots] = [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()];
      const system = manifest.systems.find((s) => s.name === name)!;
      expect(systemProblem(manifest, system, app.components, undefined, hostParamsOf(app).layouts)).toBeUndefined();
      expect(new CallContext(app, system).slots.join(" ")).toBe(slots);
    }
  });
});
