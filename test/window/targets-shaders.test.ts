// Render textures and shaders from TypeScript, through the generated binding, in a real window
// (Xvfb's GL is Mesa's llvmpipe, OpenGL 3.3 core, which raylib's GLSL 330 default shaders need):
// a scene drawn into a RenderTexture2D and that texture drawn on the screen, scaled and flipped as
// raylib's targets are; a fragment shader loaded from memory colours what is drawn in its mode; a
// uniform set from TypeScript changes it. Each reads the framebuffer back.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Colors, colorToString, loadRaylib, LogLevel, rgba, ShaderUniformDataType, type Raylib, type ScreenPixels } from "../../src/render/raylib.ts";
import { skipWindowTests } from "../support/window-env.ts";

const WIDTH = 200;
const HEIGHT = 120;

describe.skipIf(skipWindowTests({ display: "answering" }))("render textures and shaders from TypeScript (Xvfb)", () => {
  let rl: Raylib;

  beforeAll(async () => {
    rl = await loadRaylib();
    rl.initWindow(WIDTH, HEIGHT, "hotloop targets and shaders test");
  }, 10 * 60_000);

  afterAll(() => rl?.closeWindow());

  /** One frame: `draw` between BeginDrawing and EndDrawing, the screen read back before the swap. */
  function frame(draw: () => void): ScreenPixels {
    rl.beginDrawing();
    draw();
    const px = rl.readScreen();
    rl.endDrawing();
    return px;
  }
  const at = (px: ScreenPixels, x: number, y: number) => colorToString(px.at(x, y));

  test("a scene drawn into a RenderTexture2D, then its texture drawn on the screen, scaled", () => {
    const target = rl.loadRenderTexture(40, 30); // a RenderTexture2D by value: three structs in one
    expect(rl.isRenderTextureValid(target)).toBe(true);
    expect([target.texture.width, target.texture.height]).toEqual([40, 30]);
    try {
      rl.beginTextureMode(target);
      rl.clearBackground(Colors.BLUE);
      rl.drawRectangle(0, 0, 20, 15, Colors.RED); // the target's top-left quarter
      rl.endTextureMode();
      const px = frame(() => {
        rl.clearBackground(Colors.BLACK);
        // Render textures are stored upside down: a negative source height draws them upright.
        rl.drawTexturePro(target.texture, { x: 0, y: 0, width: 40, height: -30 }, { x: 10, y: 10, width: 80, height: 60 }, { x: 0, y: 0 }, 0, Colors.WHITE);
      });
      expect(at(px, 20, 20)).toBe(colorToString(Colors.RED)); // the top-left quarter, twice as large
      expect(at(px, 70, 20)).toBe(colorToString(Colors.BLUE));
      expect(at(px, 20, 60)).toBe(colorToString(Colors.BLUE));
      expect(at(px, 5, 5)).toBe(colorToString(Colors.BLACK)); // outside the drawn texture
      expect(at(px, 95, 40)).toBe(colorToString(Colors.BLACK));
    } finally {
      rl.unloadRenderTexture(target);
    }
  });

  test("a fragment shader from memory colours what is drawn in its mode; a uniform set from TypeScript changes it", () => {
    const fragment = `#version 330
in vec2 fragTexCoord;
in vec4 fragColor;
uniform vec4 tint;
out vec4 finalColor;
void main() { finalColor = tint; }
`;
    const shader = rl.loadShaderFromMemory(null, fragment); // null: raylib's default vertex shader
    expect(rl.isShaderValid(shader)).toBe(true);
    const tint = rl.getShaderLocation(shader, "tint");
    expect(tint).toBeGreaterThanOrEqual(0);
    const set = (r: number, g: number, b: number) => rl.setShaderValue(shader, tint, new Float32Array([r, g, b, 1]), ShaderUniformDataType.VEC4);
    try {
      set(0, 1, 0);
      let px = frame(() => {
        rl.clearBackground(Colors.BLACK);
        rl.beginShaderMode(shader);
        rl.drawRectangle(20, 20, 40, 40, Colors.WHITE); // white, but the shader says green
        rl.endShaderMode();
        rl.drawRectangle(120, 20, 40, 40, Colors.WHITE); // after the mode: white as drawn
      });
      expect(at(px, 40, 40)).toBe(colorToString(rgba(0, 255, 0)));
      expect(at(px, 140, 40)).toBe(colorToString(Colors.WHITE));
      set(1, 0, 1);
      px = frame(() => {
        rl.clearBackground(Colors.BLACK);
        rl.beginShaderMode(shader);
        rl.drawRectangle(20, 20, 40, 40, Colors.WHITE);
        rl.endShaderMode();
      });
      expect(at(px, 40, 40)).toBe(colorToString(rgba(255, 0, 255)));
    } finally {
      rl.unloadShader(shader);
    }
  });

  test("a shader that does not compile is an invalid Shader, not a crash; raylib falls back to its default", () => {
    rl.setTraceLogLevel(LogLevel.NONE); // raylib's own compile-error lines are not this test's output
    try {
      const broken = rl.loadShaderFromMemory(null, "#version 330\nvoid main() { this is not glsl }\n");
      expect(rl.isShaderValid(broken)).toBe(false);
    } finally {
      rl.setTraceLogLevel(LogLevel.WARNING);
    }
  });
});
