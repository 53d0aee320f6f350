/**
 * A game playing a streamed music file while that file is saved over, as `hotloop dev --features
 * reload` sees it (the asset watcher), run by test/render/audio.test.ts in a process of its own: a
 * stream that froze the game (raylib decoding a file rewritten under it) would hang this process,
 * which the test can see and kill, where a hang in its own process would stop the whole run.
 *
 * argv[2]: an asset folder holding music/watched.wav. Prints each reload line as a JSON line, then
 * `{"length": <the stream's length after the good save>, "playing": …}` and `{"done": true}`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { App, Assets, ManualClock } from "../../src/core/index.ts";
import { watchAssets, type AssetLine } from "../../src/render/asset-reload.ts";
import { Audio, AudioPlugin } from "../../src/render/audio.ts";
import { writeSineWav } from "./wav.ts";

const dir = process.argv[2]!;
const song = join(dir, "music/watched.wav");
const clock = new ManualClock();
const app = new App({ clock });
app.insertResource(new Assets(dir));
app.addPlugins(AudioPlugin({ device: "null" }));
const audio = app.resource(Audio);
const lines: AssetLine[] = [];
watchAssets(app, (line) => {
  lines.push(line);
  console.log(JSON.stringify(line));
});
const frame = async () => {
  clock.advance(16);
  app.update();
  await Bun.sleep(2);
};
const until = async (count: number) => {
  for (let i = 0; i < 500 && lines.length < count; i++) await frame();
};
audio.music.load("music/watched.wav");
audio.music.play("music/watched.wav");
await frame();
writeSineWav(song, { seconds: 5 }); // saved over while it streams
await until(1);
for (let i = 0; i < 10; i++) await frame(); // the stream plays on, from the new file
console.log(JSON.stringify({ length: audio.music.timeLength("music/watched.wav"), playing: audio.music.isPlaying("music/watched.wav") }));
writeFileSync(song, "not a wav"); // a broken save, while it streams
await until(2);
for (let i = 0; i < 10; i++) await frame();
console.log(JSON.stringify({ length: audio.music.timeLength("music/watched.wav"), playing: audio.music.isPlaying("music/watched.wav") }));
app.shutdown();
console.log(JSON.stringify({ done: true }));
