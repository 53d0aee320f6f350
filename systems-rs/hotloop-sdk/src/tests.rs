//! End-to-end tests: a hand-built ctx, systems run through the same runner the exports use,
//! and a crate-level `export!` whose symbols the tests call like the host would.

use crate::prelude::*;
use crate::{InputData, SystemFn, TimeData};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Serialises tests that touch process-wide SDK state (last error, host memory).
pub(crate) fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

crate::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
crate::component!(Velocity, 0x856b7bc046b0cf09, { x: f32, y: f32 });
crate::component!(Player, 0x394d4931d2fe7654, {});
crate::component!(Frozen, 0x5ef2ada5488b462f, {});

fn player_movement(
    mut q: Query<(Write<Position>, Read<Velocity>), With<Player>>,
    time: Res<Time>,
    input: Res<Input>,
) {
    let dt = time.delta_f32();
    let boost = if input.key_down(Key::SPACE) { 2.0 } else { 1.0 };
    for (pos, vel) in q.iter_mut() {
        *pos.x += vel.x * dt * boost;
        *pos.y += vel.y * dt * boost;
    }
}

/// What `observe` saw: (entity, x) per row, then the frame from `Res<Time>`.
static SEEN: Mutex<Vec<(u32, f32)>> = Mutex::new(Vec::new());

fn observe(q: Query<(Entity, Read<Position>), (With<Player>, Without<Frozen>)>, time: Res<Time>) {
    let mut seen = SEEN.lock().unwrap();
    seen.clear();
    seen.extend(q.iter().map(|(id, pos)| (id, pos.x)));
    seen.push((u32::MAX, time.frame() as f32));
}

fn explode() {
    panic!("kaboom {}", 42);
}

fn noop() {}

fn init(memory: &mut [u8]) {
    memory[0] += 1;
}

fn shutdown() {
    crate::with_host_memory(|memory| memory[1] += 1);
}

mod nested {
    pub fn spin(_: crate::Query<crate::Write<super::Position>>) {}
}

crate::resource!(Score, 0x339ec8149d71f8b2, { value: u32 });
crate::event!(Boom, 0x88f7435f5b69811f, { x: f32, power: u8 });
crate::local! {
    /// A test Local.
    pub struct Counter { calls: u32, last: f64 }
}

/// Every parameter kind besides queries: the golden manifest lists it.
fn keep_score(
    mut commands: Commands,
    mut score: ResMut<Score>,
    mut counter: Local<Counter>,
    mut sent: EventWriter<Boom>,
    mut got: EventReader<Boom>,
    mut draw: crate::DrawList,
    mut audio: crate::Audio,
) {
    draw.circle(1.0, 2.0, 3.0, crate::Color::rgba(1, 2, 3, 4));
    audio.play(crate::Sound::named("boom").volume(0.5));
    counter.calls += 1;
    for boom in got.read() {
        score.value += boom.power as u32;
    }
    sent.send(Boom { x: 1.0, power: 2 });
    let e = commands.spawn((Player, Value::<Position> { x: 1.0, y: 2.0 }));
    commands.remove::<Player>(e);
}

/// What `chase` did: (hunter, whether it has a Velocity, whether its target is a player).
static CHASED: Mutex<Vec<(u32, bool, bool)>> = Mutex::new(Vec::new());

/// Optional terms, `Entity` and a lookup in a second, disjoint query over the same component: the
/// golden manifest lists them (`optional_read`, `entity`), the golden slots lay them out.
fn chase(
    mut hunters: Query<(Entity, Write<Position>, Option<Read<Velocity>>), Without<Player>>,
    players: Query<Read<Position>, With<Player>>,
) {
    let mut chased = CHASED.lock().unwrap();
    chased.clear();
    let target = players.ids().first().copied().unwrap_or(u32::MAX);
    for (id, pos, vel) in hunters.iter_mut() {
        let player = players.get(target);
        if let Some(player) = player {
            *pos.x = player.x;
        }
        chased.push((id, vel.is_some(), player.is_some()));
    }
}

/// A system moving the camera, and drawing on the screen: `Camera2D` is a resource systems write.
fn follow(mut camera: ResMut<Camera2D>, mut draw: crate::DrawList) {
    camera.target.x += 1.0;
    draw.screen().circle(1.0, 1.0, 1.0, crate::Color::RED);
}

crate::export! {
    FixedUpdate: [player_movement.after("remember_previous"), observe.before("report", "hud")],
    systems: [explode, noop, nested::spin, crate::tests::keep_score, chase, follow],
    on_load: init,
    on_unload: shutdown,
}

extern "C" {
    fn hotloop_abi_version() -> u32;
    fn hotloop_manifest() -> *const u8;
    fn hotloop_system_table() -> *const SystemFn;
    fn hotloop_system_count() -> u32;
    fn hotloop_load(host: *mut u8, host_len: usize) -> i32;
    fn hotloop_unload() -> i32;
    fn hotloop_last_error(buf: *mut u8, cap: usize) -> usize;
    fn hotloop_run_systems(list: *const u64, count: u32, watch: *mut i32) -> u32;
}

fn addr<T>(ptr: *const T) -> u64 {
    ptr.expose_provenance() as u64
}

/// Host-side columns for the tests: SoA `Vec`s, `capacity` rows.
struct World {
    ids: Vec<u32>,
    capacity: usize,
    px: Vec<f32>,
    py: Vec<f32>,
    vx: Vec<f32>,
    vy: Vec<f32>,
    time: TimeData,
    input: Box<InputData>,
}

impl World {
    fn new(ids: &[u32], capacity: usize) -> World {
        let n = capacity as f32;
        World {
            ids: ids.to_vec(),
            capacity,
            px: (0..capacity).map(|i| i as f32).collect(),
            py: (0..capacity).map(|i| 100.0 + i as f32).collect(),
            vx: (0..capacity).map(|i| 10.0 * (i as f32 + 1.0)).collect(),
            vy: vec![-n; capacity],
            time: TimeData {
                delta: 0.5,
                frame: 7.0,
                ..TimeData::default()
            },
            input: Box::default(),
        }
    }

    fn query_head(&self) -> [u64; 3] {
        [
            addr(self.ids.as_ptr()),
            self.ids.len() as u64,
            self.capacity as u64,
        ]
    }

    /// The ctx of `player_movement`.
    fn movement_ctx(&mut self) -> Vec<u64> {
        let mut ctx = self.query_head().to_vec();
        ctx.extend([
            addr(self.px.as_mut_ptr()),
            addr(self.py.as_mut_ptr()),
            addr(self.vx.as_ptr()),
            addr(self.vy.as_ptr()),
            addr(&self.time),
            addr(&*self.input),
        ]);
        ctx
    }
}

fn table() -> &'static [SystemFn] {
    // SAFETY: our own export; the table has one entry per listed system and is static, and
    // `hotloop_system_count` says how many (`the_manifest_is_exact` checks it is 8).
    unsafe { std::slice::from_raw_parts(hotloop_system_table(), hotloop_system_count() as usize) }
}

fn last_error() -> String {
    let mut buf = vec![0u8; 512];
    // SAFETY: `buf` is valid for its length.
    let len = unsafe { hotloop_last_error(buf.as_mut_ptr(), buf.len()) };
    buf.truncate(len.min(buf.len()));
    String::from_utf8(buf).unwrap()
}

#[test]
fn writes_land_in_the_right_columns() {
    let _serial = serial();
    let mut world = World::new(&[1, 3, 5], 8);
    let ctx = world.movement_ctx();
    // SAFETY: `ctx` is laid out for `player_movement`; the columns have `capacity` rows.
    let status = unsafe { crate::__private::run_system(player_movement, ctx.as_ptr()) };
    assert_eq!(status, 0);
    for i in 0..8 {
        let moved = [1, 3, 5].contains(&i);
        let (vx, vy) = (10.0 * (i as f32 + 1.0), -8.0);
        let expect_x = i as f32 + if moved { vx * 0.5 } else { 0.0 };
        let expect_y = 100.0 + i as f32 + if moved { vy * 0.5 } else { 0.0 };
        assert_eq!((world.px[i], world.py[i]), (expect_x, expect_y), "row {i}");
    }
    // Reads are untouched, and the input resource is read: SPACE doubles the step.
    assert_eq!(world.vx[1], 20.0);
    world.input.keys_down[Key::SPACE.0 as usize] = 1;
    let ctx = world.movement_ctx();
    // SAFETY: as above, through the exported table this time.
    assert_eq!(unsafe { table()[0](ctx.as_ptr()) }, 0);
    assert_eq!(world.px[1], 1.0 + 10.0 + 20.0);
}

#[test]
fn reads_and_filters_take_no_slots() {
    let _serial = serial();
    let mut world = World::new(&[6, 2], 8);
    world.px[6] = 6.5;
    // ids, count, capacity, px, py: then Time. With<Player> and Without<Frozen> add nothing.
    let mut ctx = world.query_head().to_vec();
    ctx.extend([
        addr(world.px.as_ptr()),
        addr(world.py.as_ptr()),
        addr(&world.time),
    ]);
    // SAFETY: laid out for `observe`.
    assert_eq!(unsafe { table()[1](ctx.as_ptr()) }, 0, "{}", last_error());
    assert_eq!(
        *SEEN.lock().unwrap(),
        vec![(6, 6.5), (2, 2.0), (u32::MAX, 7.0)]
    );
}

#[test]
fn a_panic_is_caught_and_reported_with_its_location() {
    let _serial = serial();
    last_error();
    // SAFETY: `explode` takes no parameters: a null ctx is allowed.
    assert_eq!(unsafe { table()[2](std::ptr::null()) }, 1);
    let message = last_error();
    assert!(message.starts_with("kaboom 42 (at "), "{message}");
    assert!(message.contains("src/tests.rs:"), "{message}");
    let line = message.rsplit(':').nth(1).unwrap();
    assert!(line.parse::<u32>().is_ok(), "{message}");
    assert_eq!(last_error(), "", "reading clears it");
    // SAFETY: as above.
    assert_eq!(unsafe { table()[3](std::ptr::null()) }, 0);
}

#[test]
fn a_run_list_calls_in_order_and_stops_after_the_first_panic() {
    let _serial = serial();
    last_error();
    let (explode, noop) = (table()[2] as usize as u64, table()[3] as usize as u64);
    // Entries are [entry, ctx, watchdog number]; no-parameter systems take a null ctx.
    let run = [noop, 0, 1, noop, 0, 2, explode, 0, 3, noop, 0, 4];
    // The watchdog's words: frame, busy, the running system's number, the abort flag (set: an
    // abort meant for the running call is spent once that call returned).
    let mut watch = [7, 1, 0, 1];
    // SAFETY: four entries of three words, table functions that take a null ctx; `watch` is
    // four i32 words no other thread touches.
    let ran = unsafe { hotloop_run_systems(run.as_ptr(), 4, watch.as_mut_ptr()) };
    assert_eq!(ran, 2, "stops after entry 2 and returns its index");
    assert!(
        last_error().starts_with("kaboom 42 (at "),
        "the panic's text waits as after one call"
    );
    assert_eq!(watch, [7, 1, 0, 0], "between calls again, the abort spent");
    let all_good = [noop, 0, 1, noop, 0, 2];
    // SAFETY: as above, two entries; a null `watch` is allowed.
    assert_eq!(
        unsafe { hotloop_run_systems(all_good.as_ptr(), 2, std::ptr::null_mut()) },
        2
    );
    // SAFETY: an empty list is never read.
    assert_eq!(
        unsafe { hotloop_run_systems(std::ptr::null(), 0, std::ptr::null_mut()) },
        0
    );
}

#[test]
fn an_id_beyond_capacity_panics_instead_of_writing() {
    let _serial = serial();
    let mut world = World::new(&[1, 8], 8);
    world.px.push(-1.0); // a sentinel just past the columns
    let ctx = world.movement_ctx();
    // SAFETY: laid out for `player_movement`; the bad id is what the SDK must catch.
    let status = unsafe { table()[0](ctx.as_ptr()) };
    assert_eq!(status, 1);
    assert_eq!(world.px[8], -1.0);
    assert_eq!(
        world.px[1],
        1.0 + 10.0,
        "rows before the bad id were written"
    );
    let message = last_error();
    assert!(
        message.starts_with("hotloop: entity id 8 is out of range"),
        "{message}"
    );
    // The location is the user's `for` loop, not SDK internals.
    assert!(
        message.contains("(at hotloop-sdk/src/tests.rs:"),
        "{message}"
    );
}

#[test]
fn a_bad_ctx_is_refused() {
    let _serial = serial();
    // SAFETY: a null ctx for a system with parameters must be refused, not read.
    assert_eq!(unsafe { table()[0](std::ptr::null()) }, 1);
    assert!(last_error().contains("no ctx"));
}

#[test]
fn a_parameter_kept_past_its_call_is_refused() {
    let _serial = serial();
    thread_local! {
        static KEPT: std::cell::RefCell<Option<Query<Read<Position>>>> =
            const { std::cell::RefCell::new(None) };
    }
    fn keep(q: Query<Read<Position>>) {
        assert_eq!(q.len(), 1);
        KEPT.with(|k| *k.borrow_mut() = Some(q));
    }
    fn reuse() {
        KEPT.with(|k| k.borrow().as_ref().map(|q| q.len()));
    }
    let world = World::new(&[0], 1);
    let mut ctx = world.query_head().to_vec();
    ctx.extend([addr(world.px.as_ptr()), addr(world.py.as_ptr())]);
    // SAFETY: laid out for `keep`; `reuse` takes no parameters.
    unsafe {
        assert_eq!(crate::__private::run_system(keep, ctx.as_ptr()), 0);
        assert_eq!(crate::__private::run_system(reuse, std::ptr::null()), 1);
    }
    assert!(last_error().contains("used after its system returned"));
    KEPT.with(|k| k.borrow_mut().take());
}

/// The golden manifest: what this module's `export!` must write, byte for byte. The TypeScript
/// tests parse the same file with the host's schema (test/abi/golden.test.ts), so the two sides
/// cannot drift apart silently.
const GOLDEN_MANIFEST: &str = include_str!("../abi/manifest.golden.json");

#[test]
fn the_manifest_is_exact() {
    let _serial = serial();
    // SAFETY: our own export: a NUL-terminated string that lives as long as the program.
    let json = unsafe { std::ffi::CStr::from_ptr(hotloop_manifest().cast()) };
    assert_eq!(
        json.to_str().unwrap(),
        GOLDEN_MANIFEST.trim_end(),
        "the manifest differs from abi/manifest.golden.json"
    );
    // SAFETY: as above; the second call returns the cached string.
    assert_eq!(unsafe { hotloop_manifest() }, json.as_ptr().cast());
    // SAFETY: a plain function of our own export.
    assert_eq!(unsafe { hotloop_abi_version() }, crate::HOTLOOP_ABI_VERSION);
    // SAFETY: as above.
    assert_eq!(unsafe { hotloop_system_count() }, 8);
}

#[test]
fn duplicates_are_reported_in_the_manifest() {
    fn twice(_: Query<(Write<Position>, Read<Position>)>) {}
    fn contradicts(_: Query<Read<Velocity>, (With<Player>, Without<Player>, Without<Velocity>)>) {}
    let mut manifest = crate::__private::ManifestBuilder::new("dups", false, false);
    manifest
        .system("twice", &twice)
        .system("contradicts", &contradicts)
        .system("a::noop", &noop);
    manifest.system("noop", &noop);
    let json = manifest.to_json();
    let expected_error = concat!(
        r#""error":"system `twice`: a query names component `Position` twice; "#,
        "system `contradicts`: a query accesses component `Velocity` and excludes it with ",
        "Without; system `contradicts`: a query has both With<Player> and Without<Player>; ",
        r#"two systems are named `noop`","#,
    );
    let start = format!(
        r#"{{"abi":{},"sdk":"0.1.0","crate":"dups","error":"#,
        crate::HOTLOOP_ABI_VERSION
    );
    assert!(json.starts_with(&start), "{json}");
    assert!(json.contains(expected_error), "{json}");
    assert!(
        json.contains(r#""hooks":{"load":false,"unload":false}"#),
        "{json}"
    );
}

#[test]
fn load_and_unload_run_the_hooks_with_host_memory() {
    let _serial = serial();
    let mut memory = vec![0u8; 64 * 1024];
    // SAFETY: `memory` outlives every use below; it is reset before it is dropped.
    unsafe {
        assert_eq!(hotloop_load(memory.as_mut_ptr(), memory.len()), 0);
        assert_eq!(hotloop_load(memory.as_mut_ptr(), memory.len()), 0);
        assert_eq!(hotloop_unload(), 0);
    }
    const COUNT: HostCell<u16> = HostCell::at(2);
    COUNT.update(|c| c + 5);
    crate::host::set_host_memory(std::ptr::null_mut(), 0);
    assert_eq!(&memory[..4], &[2, 1, 5, 0]);
}

#[test]
fn query_api_variety() {
    let _serial = serial();
    static OUT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    fn variety(
        mut single: Query<(Entity, Write<Position>, Read<Velocity>)>,
        only_ids: Query<(), Without<Frozen>>,
    ) {
        let mut out = OUT.lock().unwrap();
        out.clear();
        out.push(format!(
            "{} {:?} {}",
            only_ids.len(),
            only_ids.ids(),
            only_ids.is_empty()
        ));
        out.push(format!("{:?}", single.iter().collect::<Vec<_>>()));
        if let Some((id, mut pos, vel)) = single.single_mut() {
            let before = pos.get();
            pos.set(Value::<Position> {
                x: vel.x,
                y: before.x,
            });
            out.push(format!("{id} {before:?} -> {pos:?}"));
        }
        out.push(format!(
            "{:?}",
            single.single().map(|(id, p, _)| (id, p.x, p.y))
        ));
    }
    let world = World::new(&[3], 4);
    let others = [0u32, 2];
    let mut ctx = world.query_head().to_vec();
    ctx.extend(
        [
            world.px.as_ptr(),
            world.py.as_ptr(),
            world.vx.as_ptr(),
            world.vy.as_ptr(),
        ]
        .map(addr),
    );
    ctx.extend([addr(others.as_ptr()), 2, 4]);
    // SAFETY: laid out for `variety`: query 1 (4 columns), then query 2 (no columns).
    assert_eq!(
        unsafe { crate::__private::run_system(variety, ctx.as_ptr()) },
        0,
        "{}",
        last_error()
    );
    assert_eq!(
        *OUT.lock().unwrap(),
        [
            "2 [0, 2] false",
            "[(3, Position { x: 3.0, y: 103.0 }, Velocity { x: 40.0, y: -4.0 })]",
            "3 Position { x: 3.0, y: 103.0 } -> Position { x: 40.0, y: 3.0 }",
            "Some((3, 40.0, 3.0))",
        ]
    );
    assert_eq!((world.px[3], world.py[3]), (40.0, 3.0));
}

#[test]
fn on_load_may_take_no_memory() {
    use crate::__private::LoadHook;
    static CALLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    fn plain() {
        CALLED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    plain.call();
    assert!(CALLED.load(std::sync::atomic::Ordering::Relaxed));
}

#[test]
fn placements_chain_in_list_order_and_bad_orderings_are_reported() {
    let mut manifest = crate::__private::ManifestBuilder::new("placed", false, false);
    manifest.system("a", &noop).place("Update");
    manifest.system("b", &noop).place("FixedUpdate");
    manifest.system("c", &noop).place("Update").after(&["x"]);
    manifest.system("d", &noop).place("Update").after(&["d"]);
    manifest
        .system("e", &noop)
        .place("Update")
        .after(&["y"])
        .before(&["y"]);
    manifest.system("f", &noop);
    let json = manifest.to_json();
    assert!(
        json.contains(r#"{"name":"a","schedule":"Update","after":[],"before":[],"params":[]}"#),
        "{json}"
    );
    assert!(
        json.contains(
            r#"{"name":"b","schedule":"FixedUpdate","after":[],"before":[],"params":[]}"#
        ),
        "{json}"
    );
    assert!(
        json.contains(
            r#"{"name":"c","schedule":"Update","after":["a","x"],"before":[],"params":[]}"#
        ),
        "{json}"
    );
    assert!(json.contains(r#"{"name":"f","params":[]}"#), "{json}");
    assert!(
        json.contains("system `d` is ordered after or before itself"),
        "{json}"
    );
    assert!(
        json.contains("system `e` runs both after and before the same system"),
        "{json}"
    );
}

/// One line per shared struct: its size, alignment and each field's offset, as the Rust compiler
/// lays it out. abi/structs.golden.txt holds the same lines; the TypeScript test
/// (test/abi/golden.test.ts) computes them from the host's views, so a struct changed on one side
/// only fails one of the two tests.
macro_rules! layout_line {
    ($ty:ty; $($field:ident),*) => {
        format!(
            "{} size={} align={}{}",
            stringify!($ty),
            std::mem::size_of::<$ty>(),
            std::mem::align_of::<$ty>(),
            [$(format!(" {}={}", stringify!($field), std::mem::offset_of!($ty, $field))),*].concat()
        )
    };
}

#[test]
fn shared_structs_match_the_golden_layouts() {
    use crate::__private::{CommandQueueData, EventQueueData, EventReaderData};
    use crate::audio::{AudioListData, AudioRecord};
    use crate::draw::{DrawExtension, DrawListData, DrawRecord};
    // Camera2D is raylib's struct with nested vectors; the host lays it out flat (offset_x, ...).
    let camera = format!(
        "Camera2D size={} align={} offset_x={} offset_y={} target_x={} target_y={} rotation={} zoom={}",
        std::mem::size_of::<Camera2D>(),
        std::mem::align_of::<Camera2D>(),
        std::mem::offset_of!(Camera2D, offset.x),
        std::mem::offset_of!(Camera2D, offset.y),
        std::mem::offset_of!(Camera2D, target.x),
        std::mem::offset_of!(Camera2D, target.y),
        std::mem::offset_of!(Camera2D, rotation),
        std::mem::offset_of!(Camera2D, zoom),
    );
    let lines = [
        layout_line!(TimeData; delta, elapsed, frame_delta, fixed_delta, overstep, frame),
        layout_line!(InputData; keys_down, keys_pressed, keys_released, mouse_x, mouse_y, mouse_down, mouse_pressed, mouse_released, gamepad_connected, gamepad_down, gamepad_pressed, gamepad_released, gamepad_axes),
        layout_line!(CommandQueueData; words, capacity, len, spawned, reserved),
        layout_line!(EventQueueData; records, capacity, count, first_id, record_size, reserved),
        layout_line!(EventReaderData; queue, cursor),
        layout_line!(DrawListData; records, capacity, len, text, text_capacity, text_len, textures, texture_count, font_count, fonts),
        layout_line!(DrawRecord; kind, color, x, y, a, b, c, d),
        layout_line!(DrawExtension; kind, index, f),
        camera,
        layout_line!(AudioListData; records, capacity, len, sounds, music, sound_count, music_count),
        layout_line!(AudioRecord; kind, index, volume, pitch, pan, flags),
        layout_line!(GlobalRng; state),
        layout_line!(Score; value),
        layout_line!(Boom; x, power),
    ];
    let golden = include_str!("../abi/structs.golden.txt");
    let golden: Vec<&str> = golden
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(
        lines.to_vec(),
        golden,
        "a shared struct differs from abi/structs.golden.txt"
    );
}

/// Runs every system of the golden manifest on a ctx laid out as abi/slots.golden.txt says,
/// with real memory behind each slot, and checks each reads exactly those slots. The host's side
/// of the same file is test/abi/golden.test.ts.
#[test]
fn systems_read_the_golden_slots() {
    use crate::__private::{CommandQueueData, EventQueueData, EventReaderData};
    let _serial = serial();
    let golden = include_str!("../abi/slots.golden.txt");
    let rows: Vec<(&str, Vec<&str>)> = golden
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, slots) = l.split_once(':').expect("a golden line is `name: slots`");
            (name, slots.split_whitespace().collect())
        })
        .collect();
    // SAFETY: our own export: a NUL-terminated string that lives as long as the program.
    let manifest = unsafe { std::ffi::CStr::from_ptr(hotloop_manifest().cast()) }
        .to_str()
        .unwrap();
    let ids = [1u32, 2];
    let mut columns = [[0f32; 4]; 8];
    let time = TimeData::default();
    let input = InputData::default();
    let mut score = Score { value: 0 };
    let mut words = [0u64; 64];
    let mut commands = CommandQueueData {
        words: addr(words.as_mut_ptr()),
        capacity: 64,
        ..Default::default()
    };
    let mut local = [0u64; 8];
    let mut booms = [Boom::default(); 4];
    let mut queue = EventQueueData {
        records: addr(booms.as_mut_ptr()),
        capacity: 4,
        record_size: std::mem::size_of::<Boom>() as u32,
        ..Default::default()
    };
    let mut reader = EventReaderData {
        queue: addr(&queue),
        cursor: 0,
    };
    let has = [0u8, 1, 0, 1];
    let mut records = [crate::draw::DrawRecord::default(); 4];
    let mut draw = crate::draw::DrawListData {
        records: addr(records.as_mut_ptr()),
        capacity: 4,
        ..Default::default()
    };
    let mut camera = Camera2D::default();
    let mut sounds_played = [crate::audio::AudioRecord::default(); 2];
    let sound_names = [crate::fnv1a_64("boom")];
    let mut audio = crate::audio::AudioListData {
        records: addr(sounds_played.as_mut_ptr()),
        capacity: 2,
        sounds: addr(sound_names.as_ptr()),
        sound_count: 1,
        ..Default::default()
    };
    for (index, (name, slots)) in rows.iter().enumerate() {
        assert!(
            manifest.contains(&format!(r#"{{"name":"{name}""#)),
            "{name} is in the golden slots but not in the manifest"
        );
        let mut next_column = 0;
        let ctx: Vec<u64> = slots
            .iter()
            .map(|slot| match *slot {
                "ids" => addr(ids.as_ptr()),
                "count" => ids.len() as u64,
                "capacity" => 4,
                s if s.starts_with("capacity:") => 4,
                s if s.starts_with("has:") => addr(has.as_ptr()),
                "res:Time" => addr(&time),
                "res:Input" => addr(&input),
                "res:Score" => addr(&raw mut score),
                "res:Camera2D" => addr(&raw mut camera),
                "commands" => addr(&raw mut commands),
                "event_writer:Boom" => addr(&raw mut queue),
                "event_reader:Boom" => addr(&raw mut reader),
                "draw" => addr(&raw mut draw),
                "audio" => addr(&raw mut audio),
                s if s.starts_with("local:") => addr(local.as_mut_ptr()),
                s if s.starts_with("col:") => {
                    next_column += 1;
                    addr(columns[next_column - 1].as_mut_ptr())
                }
                other => panic!("unknown golden slot {other}"),
            })
            .collect();
        crate::ctx::SLOTS_READ.set(0);
        let ctx_ptr = if ctx.is_empty() {
            std::ptr::null()
        } else {
            ctx.as_ptr()
        };
        // SAFETY: entry `index` of our table, with a ctx laid out as the golden file says (the
        // test fails if the system reads anything else).
        let rc = unsafe { table()[index](ctx_ptr) };
        assert_eq!(
            rc,
            if *name == "explode" { 1 } else { 0 },
            "{name}: {}",
            last_error()
        );
        assert_eq!(
            crate::ctx::SLOTS_READ.get(),
            slots.len(),
            "{name} read another number of slots than abi/slots.golden.txt lists"
        );
    }
    // keep_score ran once: its commands, event and Local are where the host will look for them;
    // follow moved the camera and drew the list's second record, on the screen.
    assert_eq!(
        (
            commands.len,
            commands.spawned,
            queue.count,
            local[0],
            draw.len,
            audio.len,
            sounds_played[0].volume
        ),
        (1 + 2 + 4 + 2, 1, 1, 1, 2, 1, 0.5)
    );
    assert_eq!((camera.target.x, camera.zoom), (1.0, 1.0));
    assert_eq!(
        records[1].kind,
        crate::draw::kind::CIRCLE | crate::draw::flag::SCREEN
    );
    // chase ran on ids 1 and 2 with `has` [0, 1, 0, 1]: only entity 1 has a Velocity.
    assert_eq!(*CHASED.lock().unwrap(), [(1, true, true), (2, false, true)]);
    let _ = last_error();
}
