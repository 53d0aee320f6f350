//! `Audio`: sounds and music a system starts and stops, carried out by the host after the frame.
//!
//! Why a list: raylib's `Sound` and `Music` structs live in the host (TypeScript loads them, and
//! loads them again when their file is saved), so a system names one by the hash of its name and
//! appends a fixed-size record to a host-owned list (docs/abi.md, "The audio list"); the host's
//! AudioPlugin carries the records out after the frame's schedules. TypeScript appends to the same
//! list, so both sides' plays happen in the order their systems ran.

use crate::boundary;
use crate::ctx::{host_array, Slots};
use crate::manifest::ParamInfo;
use crate::system::{sealed, SystemParam};
use std::ptr;

/// The audio list's header, exactly as docs/abi.md lays it out (the host owns it and the memory
/// its pointers name).
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AudioListData {
    /// `*mut AudioRecord`: the records.
    pub records: u64,
    /// Records the buffer holds.
    pub capacity: u32,
    /// Records written this frame.
    pub len: u32,
    /// `*const u64`: the loaded sounds' name hashes ([`fnv1a_64`](crate::fnv1a_64) of the
    /// name); a sound's index in this table is the index its records carry.
    pub sounds: u64,
    /// `*const u64`: the loaded music streams' name hashes, likewise.
    pub music: u64,
    /// Entries in the sound table.
    pub sound_count: u32,
    /// Entries in the music table.
    pub music_count: u32,
}

const _: () = assert!(std::mem::size_of::<AudioListData>() == 40);
const _: () = assert!(std::mem::align_of::<AudioListData>() == 8);
const _: () = assert!(std::mem::offset_of!(AudioListData, capacity) == 8);
const _: () = assert!(std::mem::offset_of!(AudioListData, len) == 12);
const _: () = assert!(std::mem::offset_of!(AudioListData, sounds) == 16);
const _: () = assert!(std::mem::offset_of!(AudioListData, music) == 24);
const _: () = assert!(std::mem::offset_of!(AudioListData, sound_count) == 32);
const _: () = assert!(std::mem::offset_of!(AudioListData, music_count) == 36);

/// One request, as docs/abi.md lays it out: what it does depends on `kind` (see [`kind`]).
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AudioRecord {
    /// One of [`kind`].
    pub kind: u32,
    /// The sound's index in the sound table, or the music's in the music table.
    pub index: u32,
    /// Volume: multiplies the name's own (1 as recorded).
    pub volume: f32,
    /// Pitch: multiplies the name's own (1 as recorded).
    pub pitch: f32,
    /// Pan: 0.5 centred, 0 to 1 across the stereo field (raylib's).
    pub pan: f32,
    /// [`flags`] bits.
    pub flags: u32,
}

const _: () = assert!(std::mem::size_of::<AudioRecord>() == 24);
const _: () = assert!(std::mem::align_of::<AudioRecord>() == 4);
const _: () = assert!(std::mem::offset_of!(AudioRecord, index) == 4);
const _: () = assert!(std::mem::offset_of!(AudioRecord, volume) == 8);
const _: () = assert!(std::mem::offset_of!(AudioRecord, pitch) == 12);
const _: () = assert!(std::mem::offset_of!(AudioRecord, pan) == 16);
const _: () = assert!(std::mem::offset_of!(AudioRecord, flags) == 20);

/// The record kinds of docs/abi.md.
#[doc(hidden)]
pub mod kind {
    /// Start a sound from its beginning: volume, pitch, pan.
    pub const PLAY_SOUND: u32 = 1;
    /// Stop a sound.
    pub const STOP_SOUND: u32 = 2;
    /// Play a music stream (from its beginning unless it is playing): volume, pitch, pan, flags.
    pub const PLAY_MUSIC: u32 = 3;
    /// Stop a music stream and rewind it.
    pub const STOP_MUSIC: u32 = 4;
    /// Pause a music stream.
    pub const PAUSE_MUSIC: u32 = 5;
    /// Resume a paused music stream.
    pub const RESUME_MUSIC: u32 = 6;
}

/// The bits of a record's `flags`.
#[doc(hidden)]
pub mod flags {
    /// PLAY_MUSIC: start again from the beginning when it ends.
    pub const LOOP: u32 = 1;
}

/// A sound the host loaded, by name, and how to play it: `const COIN: Sound = Sound::named("sounds/coin.wav");`.
///
/// Why a name: sounds are loaded in TypeScript (`audio.sounds.load("sounds/coin.wav")`, named by
/// their asset path unless given a name), which puts the name's hash in the audio list's sound
/// table; a system names the sound the same way, so nothing of raylib crosses into Rust. The hash
/// is computed at compile time, and so can the settings be:
///
/// ```
/// use hotloop_sdk::Sound;
/// const SHOT: Sound = Sound::named("sounds/shot.wav").volume(0.5);
/// let high = SHOT.pitch(1.5); // this play only
/// assert_eq!((high.name(), high.get_volume(), high.get_pitch()), ("sounds/shot.wav", 0.5, 1.5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sound {
    name: &'static str,
    hash: u64,
    volume: f32,
    pitch: f32,
    pan: f32,
}

impl Sound {
    /// The sound loaded under `name` in TypeScript, played as recorded.
    pub const fn named(name: &'static str) -> Sound {
        Sound {
            name,
            hash: crate::fnv1a_64(name),
            volume: 1.0,
            pitch: 1.0,
            pan: 0.5,
        }
    }

    /// Played at `volume` (0 silent, 1 as recorded), times the sound's own volume.
    pub const fn volume(self, volume: f32) -> Sound {
        Sound { volume, ..self }
    }

    /// Played at `pitch` (1 as recorded, 2 an octave up and twice as fast), times the sound's own.
    pub const fn pitch(self, pitch: f32) -> Sound {
        Sound { pitch, ..self }
    }

    /// Played at `pan` (0.5 centred, from 0 to 1 across the stereo field; raylib's).
    pub const fn pan(self, pan: f32) -> Sound {
        Sound { pan, ..self }
    }

    /// The name it was loaded under.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// [`fnv1a_64`](crate::fnv1a_64) of the name: what the host's sound table holds.
    pub const fn hash(&self) -> u64 {
        self.hash
    }

    /// The volume it plays at.
    pub const fn get_volume(&self) -> f32 {
        self.volume
    }

    /// The pitch it plays at.
    pub const fn get_pitch(&self) -> f32 {
        self.pitch
    }
}

/// A music stream the host loaded, by name, and how to play it:
/// `const THEME: Music = Music::named("music/theme.ogg").volume(0.6);`.
///
/// Like [`Sound`], loaded in TypeScript (`audio.music.load(...)`); the host decodes it as it
/// plays and feeds it every frame. It loops unless [`once`](Music::once) says otherwise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Music {
    name: &'static str,
    hash: u64,
    volume: f32,
    pitch: f32,
    pan: f32,
    looping: bool,
}

impl Music {
    /// The music stream loaded under `name` in TypeScript, played as recorded, looping.
    pub const fn named(name: &'static str) -> Music {
        Music {
            name,
            hash: crate::fnv1a_64(name),
            volume: 1.0,
            pitch: 1.0,
            pan: 0.5,
            looping: true,
        }
    }

    /// Played at `volume` (0 silent, 1 as recorded), times the stream's own volume.
    pub const fn volume(self, volume: f32) -> Music {
        Music { volume, ..self }
    }

    /// Played at `pitch` (1 as recorded), times the stream's own.
    pub const fn pitch(self, pitch: f32) -> Music {
        Music { pitch, ..self }
    }

    /// Played at `pan` (0.5 centred, from 0 to 1 across the stereo field).
    pub const fn pan(self, pan: f32) -> Music {
        Music { pan, ..self }
    }

    /// Played once: it stops at its end instead of starting again.
    pub const fn once(self) -> Music {
        Music {
            looping: false,
            ..self
        }
    }

    /// The name it was loaded under.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// [`fnv1a_64`](crate::fnv1a_64) of the name: what the host's music table holds.
    pub const fn hash(&self) -> u64 {
        self.hash
    }

    /// Whether it starts again at its end.
    pub const fn is_looping(&self) -> bool {
        self.looping
    }
}

/// Sounds and music to start and stop: asked now, carried out by the host's AudioPlugin after
/// the frame's schedules, in the order asked (TypeScript's requests interleaved as their systems
/// ran).
///
/// A sound is one voice: playing it while it plays starts it again. `play_music` starts a stream
/// from its beginning when it is not playing, and otherwise only changes its volume, pitch, pan
/// and looping, so a system may ask for its music every frame.
///
/// ```
/// use hotloop_sdk::prelude::*;
/// use hotloop_sdk::{Audio, Music, Sound};
///
/// const COIN: Sound = Sound::named("sounds/coin.wav"); // audio.sounds.load("sounds/coin.wav")
/// const THEME: Music = Music::named("music/theme.ogg").volume(0.6);
///
/// fn sfx(input: Res<Input>, mut audio: Audio) {
///     if input.key_pressed(Key::SPACE) {
///         audio.play(COIN.pitch(1.2));
///     }
///     audio.play_music(THEME);
/// }
///
/// hotloop_sdk::export! {
///     Update: [sfx],
/// }
/// # fn main() {}
/// ```
///
/// Panics (caught at the boundary and reported by the host as one line, like any panic): a full
/// list (raise it in TypeScript with `audioListOf(app, { records })` before anything plays), and a
/// sound or music stream the host did not load.
pub struct Audio {
    list: *mut AudioListData,
    epoch: u64,
}

impl Audio {
    /// Starts `sound` from its beginning, at its volume, pitch and pan.
    #[track_caller]
    pub fn play(&mut self, sound: Sound) {
        let index = self.index(Table::Sounds, sound.hash, sound.name);
        self.push(AudioRecord {
            kind: kind::PLAY_SOUND,
            index,
            volume: sound.volume,
            pitch: sound.pitch,
            pan: sound.pan,
            flags: 0,
        });
    }

    /// Stops `sound`.
    #[track_caller]
    pub fn stop(&mut self, sound: Sound) {
        let index = self.index(Table::Sounds, sound.hash, sound.name);
        self.push(request(kind::STOP_SOUND, index));
    }

    /// Plays `music`: from its beginning when it is not playing (a paused one too; see
    /// [`resume_music`](Audio::resume_music)), else only its volume, pitch, pan and looping change.
    #[track_caller]
    pub fn play_music(&mut self, music: Music) {
        let index = self.index(Table::Music, music.hash, music.name);
        self.push(AudioRecord {
            kind: kind::PLAY_MUSIC,
            index,
            volume: music.volume,
            pitch: music.pitch,
            pan: music.pan,
            flags: if music.looping { flags::LOOP } else { 0 },
        });
    }

    /// Stops `music` and rewinds it.
    #[track_caller]
    pub fn stop_music(&mut self, music: Music) {
        let index = self.index(Table::Music, music.hash, music.name);
        self.push(request(kind::STOP_MUSIC, index));
    }

    /// Pauses `music` where it is.
    #[track_caller]
    pub fn pause_music(&mut self, music: Music) {
        let index = self.index(Table::Music, music.hash, music.name);
        self.push(request(kind::PAUSE_MUSIC, index));
    }

    /// Resumes a paused `music` where it was paused.
    #[track_caller]
    pub fn resume_music(&mut self, music: Music) {
        let index = self.index(Table::Music, music.hash, music.name);
        self.push(request(kind::RESUME_MUSIC, index));
    }

    /// Whether the host loaded a sound of that name (silent hosts register names too).
    #[track_caller]
    pub fn has_sound(&self, sound: Sound) -> bool {
        self.find(Table::Sounds, sound.hash).is_some()
    }

    /// Whether the host loaded a music stream of that name.
    #[track_caller]
    pub fn has_music(&self, music: Music) -> bool {
        self.find(Table::Music, music.hash).is_some()
    }

    /// Requests in the list so far this frame, from every system (Rust or TypeScript).
    #[track_caller]
    pub fn len(&self) -> usize {
        self.snapshot().len as usize
    }

    /// Whether nothing was asked yet this frame.
    #[track_caller]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of the header, after checking this parameter is used inside its call.
    #[inline]
    #[track_caller]
    fn snapshot(&self) -> AudioListData {
        boundary::check_epoch(self.epoch);
        // SAFETY: `fetch` checked the pointer is non-null and aligned; the host keeps the header
        // valid for the call, and the epoch check proves the call is still running. A plain read.
        unsafe { self.list.read() }
    }

    /// Appends one record, or panics when the list is full.
    #[inline]
    #[track_caller]
    fn push(&mut self, record: AudioRecord) {
        boundary::check_epoch(self.epoch);
        // SAFETY: as in `snapshot`; the `&mut` lives only in this function, and the parameter is
        // `!Send`, so two `Audio`s of one system (same header) never hold one at once.
        let list = unsafe { &mut *self.list };
        let len = list.len;
        if len >= list.capacity {
            list_full(list.capacity);
        }
        let records = ptr::with_exposed_provenance_mut::<AudioRecord>(list.records as usize);
        // SAFETY: the host guarantees `records` points at `capacity` records for the call
        // (checked non-null and aligned in `fetch`), and `len < capacity` was just checked.
        unsafe { records.add(len as usize).write(record) };
        list.len = len + 1;
    }

    /// The index of `hash` in a name table, or None.
    #[track_caller]
    fn find(&self, table: Table, hash: u64) -> Option<u32> {
        let list = self.snapshot();
        let (at, count) = match table {
            Table::Sounds => (list.sounds, list.sound_count),
            Table::Music => (list.music, list.music_count),
        };
        let hashes: &[u64] = if count == 0 {
            &[]
        } else {
            // SAFETY: the host guarantees `count` hashes at `at` for the call (checked non-null
            // and aligned in `fetch`); nobody writes them during the call.
            unsafe {
                std::slice::from_raw_parts(
                    ptr::with_exposed_provenance::<u64>(at as usize),
                    count as usize,
                )
            }
        };
        // Fits in u32: it is below `count`.
        hashes.iter().position(|&h| h == hash).map(|i| i as u32)
    }

    /// The index of `hash` in a name table, or a panic naming it.
    #[track_caller]
    fn index(&self, table: Table, hash: u64, name: &str) -> u32 {
        match self.find(table, hash) {
            Some(index) => index,
            None => not_loaded(table, name),
        }
    }

    /// An `Audio` over `list`, as if fetched in the current call: for unit tests, which build the
    /// header over their own memory.
    #[cfg(test)]
    pub(crate) fn for_test(list: *mut AudioListData) -> Audio {
        Audio {
            list,
            epoch: boundary::epoch(),
        }
    }
}

/// Which name table a lookup reads.
#[derive(Clone, Copy)]
enum Table {
    Sounds,
    Music,
}

/// A record of `kind` for `index` with the neutral settings.
fn request(kind: u32, index: u32) -> AudioRecord {
    AudioRecord {
        kind,
        index,
        volume: 1.0,
        pitch: 1.0,
        pan: 0.5,
        flags: 0,
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn list_full(capacity: u32) -> ! {
    panic!(
        "hotloop: the audio list is full ({capacity} records): play less in one frame, or raise it in TypeScript with audioListOf(app, {{ records: ... }}) before anything plays"
    )
}

#[cold]
#[inline(never)]
#[track_caller]
fn not_loaded(table: Table, name: &str) -> ! {
    match table {
        Table::Sounds => panic!(
            "hotloop: sound {name:?} is not loaded (load it in TypeScript with app.resource(Audio).sounds.load({name:?}))"
        ),
        Table::Music => panic!(
            "hotloop: music {name:?} is not loaded (load it in TypeScript with app.resource(Audio).music.load({name:?}))"
        ),
    }
}

impl sealed::Sealed for Audio {}

impl SystemParam for Audio {
    fn describe(out: &mut Vec<ParamInfo>) {
        out.push(ParamInfo::Audio);
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        let list = slots.next_block::<AudioListData>("audio list");
        // SAFETY: the host passed its audio list header (docs/abi.md, "The audio list"), valid
        // for the call; checked non-null and aligned above.
        let data = unsafe { *list };
        host_array::<AudioRecord>(data.records, data.capacity, "audio list's records");
        host_array::<u64>(data.sounds, data.sound_count, "audio list's sound table");
        host_array::<u64>(data.music, data.music_count, "audio list's music table");
        Audio {
            list,
            epoch: boundary::epoch(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    /// A host-side audio list over Vec-backed memory, as the TypeScript host lays one out.
    struct Host {
        header: Box<AudioListData>,
        records: Vec<AudioRecord>,
        sounds: Vec<u64>,
        music: Vec<u64>,
    }

    impl Host {
        fn new(capacity: usize, sounds: &[&str], music: &[&str]) -> Host {
            let mut host = Host {
                header: Box::default(),
                records: vec![AudioRecord::default(); capacity],
                sounds: sounds.iter().map(|n| crate::fnv1a_64(n)).collect(),
                music: music.iter().map(|n| crate::fnv1a_64(n)).collect(),
            };
            *host.header = AudioListData {
                records: host.records.as_mut_ptr().expose_provenance() as u64,
                capacity: capacity as u32,
                len: 0,
                sounds: host.sounds.as_ptr().expose_provenance() as u64,
                music: host.music.as_ptr().expose_provenance() as u64,
                sound_count: host.sounds.len() as u32,
                music_count: host.music.len() as u32,
            };
            host
        }

        fn audio(&mut self) -> Audio {
            Audio::for_test(&mut *self.header)
        }

        fn written(&self) -> &[AudioRecord] {
            &self.records[..self.header.len as usize]
        }
    }

    fn panic_text(f: impl FnOnce()) -> String {
        let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it should panic");
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap()
    }

    const COIN: Sound = Sound::named("sounds/coin.wav");
    const SHOT: Sound = Sound::named("shot");
    const THEME: Music = Music::named("music/theme.ogg");

    #[test]
    fn requests_become_records_in_order_with_their_indexes() {
        let mut host = Host::new(8, &["shot", "sounds/coin.wav"], &["music/theme.ogg"]);
        let mut audio = host.audio();
        assert!(audio.is_empty());
        assert!(audio.has_sound(COIN) && !audio.has_sound(Sound::named("nope")));
        assert!(audio.has_music(THEME) && !audio.has_music(Music::named("shot")));
        audio.play(COIN);
        audio.play(SHOT.volume(0.25).pitch(2.0).pan(0.0));
        audio.stop(COIN);
        audio.play_music(THEME.volume(0.5));
        audio.play_music(THEME.once());
        audio.pause_music(THEME);
        audio.resume_music(THEME);
        audio.stop_music(THEME);
        assert_eq!(audio.len(), 8);
        let rec = |kind, index, volume, pitch, pan, flags| AudioRecord {
            kind,
            index,
            volume,
            pitch,
            pan,
            flags,
        };
        assert_eq!(
            host.written(),
            &[
                rec(kind::PLAY_SOUND, 1, 1.0, 1.0, 0.5, 0),
                rec(kind::PLAY_SOUND, 0, 0.25, 2.0, 0.0, 0),
                rec(kind::STOP_SOUND, 1, 1.0, 1.0, 0.5, 0),
                rec(kind::PLAY_MUSIC, 0, 0.5, 1.0, 0.5, flags::LOOP),
                rec(kind::PLAY_MUSIC, 0, 1.0, 1.0, 0.5, 0),
                rec(kind::PAUSE_MUSIC, 0, 1.0, 1.0, 0.5, 0),
                rec(kind::RESUME_MUSIC, 0, 1.0, 1.0, 0.5, 0),
                rec(kind::STOP_MUSIC, 0, 1.0, 1.0, 0.5, 0),
            ]
        );
    }

    #[test]
    fn a_name_not_loaded_and_a_full_list_are_one_line_each() {
        let mut host = Host::new(1, &["shot"], &[]);
        let mut audio = host.audio();
        let text = panic_text(|| audio.play(COIN));
        assert_eq!(text, "hotloop: sound \"sounds/coin.wav\" is not loaded (load it in TypeScript with app.resource(Audio).sounds.load(\"sounds/coin.wav\"))");
        // A sound's name is not a music stream's: the tables are apart.
        let text = panic_text(|| audio.play_music(Music::named("shot")));
        assert!(
            text.starts_with("hotloop: music \"shot\" is not loaded"),
            "{text}"
        );
        audio.play(SHOT);
        let text = panic_text(|| audio.play(SHOT));
        assert!(
            text.starts_with("hotloop: the audio list is full (1 records)"),
            "{text}"
        );
        assert_eq!(host.written().len(), 1);
    }

    #[test]
    fn hashes_are_the_hosts() {
        // TypeScript's fnv1a64("sounds/coin.wav") (src/ecs/layout.ts), which fills the host's table.
        assert_eq!(COIN.hash(), 0xbbb7_bd1d_4fa6_3c8b);
        assert_eq!(THEME.name(), "music/theme.ogg");
        assert!(THEME.is_looping() && !THEME.once().is_looping());
    }
}
