/**
 * WAV files for the audio tests: a sine tone as 16-bit PCM, the format raylib (dr_wav) reads for
 * sounds and for streamed music alike.
 */
import { writeFileSync } from "node:fs";

/** Options of {@link sineWav}. */
export interface SineOptions {
  /** Length in seconds. Default 0.5. */
  readonly seconds?: number;
  /** Tone in Hz. Default 440. */
  readonly hz?: number;
  /** Samples per second. Default 22050. */
  readonly sampleRate?: number;
  /** 1 (mono) or 2 (stereo). Default 1. */
  readonly channels?: number;
}

/** The bytes of a WAV file: a RIFF header, a `fmt ` chunk (PCM, 16 bits) and the samples of a sine. */
export function sineWav(options: SineOptions = {}): Uint8Array {
  const { seconds = 0.5, hz = 440, sampleRate = 22050, channels = 1 } = options;
  const frames = Math.round(seconds * sampleRate);
  const dataBytes = frames * channels * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const v = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true); // the chunk's size
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * 2, true); // bytes a second
  v.setUint16(32, channels * 2, true); // bytes a frame
  v.setUint16(34, 16, true); // bits a sample
  ascii(36, "data");
  v.setUint32(40, dataBytes, true);
  for (let f = 0; f < frames; f++) {
    const sample = Math.round(Math.sin((2 * Math.PI * hz * f) / sampleRate) * 0.3 * 32767);
    for (let c = 0; c < channels; c++) v.setInt16(44 + (f * channels + c) * 2, sample, true);
  }
  return bytes;
}

/** Writes {@link sineWav} to `path`. */
export function writeSineWav(path: string, options?: SineOptions): void {
  writeFileSync(path, sineWav(options));
}
