// The Camera2D resource without a window: the App inserts it at the identity, its bytes are
// raylib's Camera2D struct (what the shim hands BeginMode2D and Rust's ResMut<Camera2D> writes),
// its fields are live accessors shaped like raylib's, and world and screen points map both ways.
// test/window/camera-sprites-fonts.test.ts checks the drawing; the Rust side's layout is checked
// by test/abi/golden.test.ts.
import { describe, expect, test } from "bun:test";
import { read } from "bun:ffi";
import { App, CAMERA2D_LAYOUT, Camera2D, ManualClock, type Vector2 } from "../../src/core/index.ts";
import { fnv1a64 } from "../../src/ecs/layout.ts";
import { nativeResourceOf } from "../../src/ecs/resource.ts";
import { hostParamsOf } from "../../src/hot/host-params.ts";

const close = (a: Vector2, b: Vector2) => {
  expect(a.x).toBeCloseTo(b.x, 3);
  expect(a.y).toBeCloseTo(b.y, 3);
};

describe("Camera2D", () => {
  test("is raylib's struct: six f32, offset, target, rotation, zoom; its layout hash is the SDK's", () => {
    expect(CAMERA2D_LAYOUT.fields.map((f) => [f.name, f.offset])).toEqual([
      ["offset_x", 0], ["offset_y", 4], ["target_x", 8], ["target_y", 12], ["rotation", 16], ["zoom", 20],
    ]);
    expect([CAMERA2D_LAYOUT.size, CAMERA2D_LAYOUT.align]).toEqual([24, 4]);
    expect(CAMERA2D_LAYOUT.layout.text).toBe("Camera2D{offset_x:f32,offset_y:f32,target_x:f32,target_y:f32,rotation:f32,zoom:f32}");
    expect(CAMERA2D_LAYOUT.layout.hash).toBe(fnv1a64(CAMERA2D_LAYOUT.layout.text));
  });

  test("the App inserts one at the identity, which hot systems may write (ResMut)", () => {
    const app = new App({ clock: new ManualClock() });
    const camera = app.resource(Camera2D);
    expect(camera.toJSON()).toEqual({ offset: { x: 0, y: 0 }, target: { x: 0, y: 0 }, rotation: 0, zoom: 1 });
    expect(camera.isIdentity).toBe(true);
    expect(app.resources.insertedBy(Camera2D)).toBeUndefined(); // hotloop's own: an inspector does not edit it
    expect(hostParamsOf(app).layouts.resource("Camera2D")).toEqual({ hash: CAMERA2D_LAYOUT.layout.hash, text: CAMERA2D_LAYOUT.layout.text, readOnly: false });
  });

  test("its fields are live accessors over the native floats, shaped like raylib's Camera2D", () => {
    const camera = new Camera2D({ offset: { x: 400, y: 225 }, zoom: 2 });
    const raylibShape: { offset: Vector2; target: Vector2; rotation: number; zoom: number } = camera;
    raylibShape.target.x = 10;
    camera.target.y = -20.5;
    camera.rotation = 45;
    const offset = camera.offset;
    offset.y = 300; // the object returned is a view: writing it writes the camera
    camera.target = { x: 12, y: camera.target.y }; // assigning copies
    const bytes = nativeResourceOf(camera)!.bytes;
    expect([...new Float32Array(bytes, 0, 6)]).toEqual([400, 300, 12, -20.5, 45, 2]);
    expect([read.f32(camera.pointer, 0), read.f32(camera.pointer, 20)]).toEqual([400, 2]); // what the shim reads
    expect(camera.isIdentity).toBe(false);
    expect(new Camera2D({ offset: { x: 5, y: 6 }, target: { x: 5, y: 6 } }).isIdentity).toBe(true); // target shown where it is
  });

  test("world and screen points map both ways, as raylib's GetWorldToScreen2D / GetScreenToWorld2D", () => {
    const camera = new Camera2D({ offset: { x: 100, y: 50 }, target: { x: 10, y: 20 }, rotation: 90, zoom: 2 });
    close(camera.worldToScreen(10, 20), { x: 100, y: 50 }); // the target appears at the offset
    close(camera.worldToScreen(11, 20), { x: 100, y: 52 }); // one unit right: two pixels down (90° clockwise)
    const p = camera.worldToScreen(-7, 33);
    close(camera.screenToWorld(p.x, p.y), { x: -7, y: 33 });
    close(new Camera2D().screenToWorld(3, 4), { x: 3, y: 4 });
    camera.zoom = 0;
    close(camera.screenToWorld(0, 0), { x: 10, y: 20 }); // no inverse: the target
  });
});
