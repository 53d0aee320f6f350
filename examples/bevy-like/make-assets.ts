/**
 * Makes the example's pictures and sounds from code, so every byte under assets/ can be made again:
 * `bun examples/bevy-like/make-assets.ts`. raylib writes the files (ExportImage, ExportWave) from
 * pixels and samples computed here; no window is needed.
 *
 *  - assets/sprites/coin.png: a coin spinning, 8 frames of 32×32 side by side (a sprite sheet);
 *  - assets/sounds/coin.wav: the blip of a coin taken (16-bit PCM);
 *  - assets/music/theme.qoa: a 4-bar loop of background music (QOA, raylib's compact format).
 *
 * The font (assets/fonts/) is a file of its own; see assets/fonts/LICENSE.
 */
import { ptr } from "bun:ffi";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadRaylib, PixelFormat } from "hotloop/render";

const ASSETS = join(import.meta.dir, "assets");
/** Frames in the coin's sheet, and each frame's side in pixels. */
export const COIN_FRAMES = 8;
export const COIN_FRAME_SIZE = 32;

const rl = await loadRaylib();

function out(path: string): string {
  const file = join(ASSETS, path);
  mkdirSync(dirname(file), { recursive: true });
  return file;
}

/** The coin: a gold disc whose width follows the spin, a darker rim, a highlight on the lit side. */
function coinSheet(): void {
  const w = COIN_FRAMES * COIN_FRAME_SIZE;
  const h = COIN_FRAME_SIZE;
  const px = new Uint8Array(w * h * 4);
  const r = COIN_FRAME_SIZE / 2 - 2;
  for (let f = 0; f < COIN_FRAMES; f++) {
    const squash = Math.max(0.12, Math.abs(Math.cos((f / COIN_FRAMES) * Math.PI)));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < COIN_FRAME_SIZE; x++) {
        const dx = (x + 0.5 - COIN_FRAME_SIZE / 2) / (r * squash);
        const dy = (y + 0.5 - COIN_FRAME_SIZE / 2) / r;
        const d = Math.sqrt(dx * dx + dy * dy);
        if (d > 1) continue;
        const i = (y * w + f * COIN_FRAME_SIZE + x) * 4;
        const rim = d > 0.78;
        const shine = !rim && dx < -0.2 && dy < -0.1 && d < 0.6;
        const [cr, cg, cb] = rim ? [196, 128, 18] : shine ? [255, 246, 190] : [255, 206, 48];
        px[i] = cr;
        px[i + 1] = cg;
        px[i + 2] = cb;
        px[i + 3] = 255;
      }
    }
  }
  const ok = rl.exportImage({ data: ptr(px), width: w, height: h, mipmaps: 1, format: PixelFormat.UNCOMPRESSED_R8G8B8A8 }, out("sprites/coin.png"));
  if (!ok) throw new Error("make-assets: raylib could not write sprites/coin.png");
}

const RATE = 22_050;

/** Writes mono 16-bit samples as a sound file raylib picks by extension. */
function writeWave(samples: Float32Array, path: string): void {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) pcm[i] = Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32_000);
  const ok = rl.exportWave({ frameCount: pcm.length, sampleRate: RATE, sampleSize: 16, channels: 1, data: ptr(pcm) }, out(path));
  if (!ok) throw new Error(`make-assets: raylib could not write ${path}`);
}

/** Two rising square-wave notes, the classic coin. */
function coinSound(): void {
  const seconds = 0.28;
  const s = new Float32Array(Math.round(RATE * seconds));
  for (let i = 0; i < s.length; i++) {
    const t = i / RATE;
    const freq = t < 0.07 ? 988 : 1319; // B5, then E6
    const square = Math.sign(Math.sin(2 * Math.PI * freq * t));
    const envelope = Math.min(1, t / 0.004) * Math.exp(-(t < 0.07 ? 0 : t - 0.07) * 9);
    s[i] = 0.35 * square * envelope;
  }
  writeWave(s, "sounds/coin.wav");
}

/** A calm 4-bar loop: a triangle-wave bass and a soft melody, 100 beats a minute, seamless. */
function themeMusic(): void {
  const beat = 60 / 100;
  const bars = 4;
  const s = new Float32Array(Math.round(RATE * beat * 4 * bars));
  const bass = [45, 45, 41, 43]; // A2, A2, F2, G2 (MIDI), one a bar
  const melody = [69, 72, 76, 72, 69, 72, 76, 79, 77, 76, 72, 69, 71, 74, 79, 74]; // a note a beat
  const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);
  const triangle = (phase: number) => 1 - 4 * Math.abs(Math.round(phase - 0.25) - (phase - 0.25));
  for (let i = 0; i < s.length; i++) {
    const t = i / RATE;
    const b = Math.floor(t / beat);
    const inBeat = t - b * beat;
    const low = triangle(hz(bass[Math.floor(b / 4) % bars]!) * t) * 0.22;
    const note = melody[b % melody.length]!;
    const high = Math.sin(2 * Math.PI * hz(note) * t) * 0.16 * Math.exp(-inBeat * 3.5) * Math.min(1, inBeat / 0.01);
    s[i] = low + high;
  }
  writeWave(s, "music/theme.qoa");
}

coinSheet();
coinSound();
themeMusic();
console.log(`make-assets: wrote sprites/coin.png, sounds/coin.wav, music/theme.qoa under ${ASSETS}`);
