/**
 * A game with the default AudioPlugin, run by test/render/audio.test.ts in a process whose
 * environment hides every sound device (ALSA_CONFIG_PATH at an empty configuration, PULSE_SERVER
 * nowhere): it loads the WAV at argv[2], plays it from a system, and prints on stdout, as JSON,
 * the device it got and whether the sound was playing after the frame that played it.
 */
import { App, ManualClock, Update } from "../../src/core/index.ts";
import { Audio, AudioPlugin } from "../../src/render/audio.ts";

const file = process.argv[2]!;
const clock = new ManualClock();
const app = new App({ clock });
app.addPlugins(AudioPlugin());
const audio = app.resource(Audio);
audio.sounds.load(file, { name: "tone" });
let asked = false;
app.addSystems(Update, () => {
  if (!asked) audio.sounds.play("tone");
  asked = true;
});
clock.advance(16);
app.update();
console.log(JSON.stringify({ device: audio.device, backend: audio.backend, playing: audio.sounds.isPlaying("tone") }));
app.shutdown();
