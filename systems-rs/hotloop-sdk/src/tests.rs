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

crate::export! {
    FixedUpdate: [player_movement.after("remember_previous"), observe.before("report", "hud")],
    systems: [explode, noop, nested::spin],
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
    // SAFETY: our own export; the table has one entry per listed system (5) and is static.
    unsafe { std::slice::from_raw_parts(hotloop_system_table(), 5) }
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

#[test]
fn the_manifest_is_exact() {
    let _serial = serial();
    // SAFETY: our own export: a NUL-terminated string that lives as long as the program.
    let json = unsafe { std::ffi::CStr::from_ptr(hotloop_manifest().cast()) };
    let expected = concat!(
        r#"{"abi":2,"sdk":"0.1.0","crate":"hotloop_sdk","hooks":{"load":true,"unload":true},"#,
        r#""components":["#,
        r#"{"name":"Position","hash":"37ea27f4a9910cc1","fields":[{"name":"x","type":"f32"},{"name":"y","type":"f32"}]},"#,
        r#"{"name":"Velocity","hash":"856b7bc046b0cf09","fields":[{"name":"x","type":"f32"},{"name":"y","type":"f32"}]},"#,
        r#"{"name":"Player","hash":"394d4931d2fe7654","fields":[]},"#,
        r#"{"name":"Frozen","hash":"5ef2ada5488b462f","fields":[]}],"#,
        r#""systems":["#,
        r#"{"name":"player_movement","schedule":"FixedUpdate","after":["remember_previous"],"before":[],"params":[{"kind":"query","components":[{"name":"Position","access":"write"},{"name":"Velocity","access":"read"}],"with":["Player"],"without":[]},{"kind":"res","name":"Time"},{"kind":"res","name":"Input"}]},"#,
        r#"{"name":"observe","schedule":"FixedUpdate","after":["player_movement"],"before":["report","hud"],"params":[{"kind":"query","components":[{"name":"Position","access":"read"}],"with":["Player"],"without":["Frozen"]},{"kind":"res","name":"Time"}]},"#,
        r#"{"name":"explode","params":[]},"#,
        r#"{"name":"noop","params":[]},"#,
        r#"{"name":"spin","params":[{"kind":"query","components":[{"name":"Position","access":"write"}],"with":[],"without":[]}]}]}"#,
    );
    assert_eq!(json.to_str().unwrap(), expected);
    // SAFETY: as above; the second call returns the cached string.
    assert_eq!(unsafe { hotloop_manifest() }, json.as_ptr().cast());
    // SAFETY: a plain function of our own export.
    assert_eq!(unsafe { hotloop_abi_version() }, 2);
    // SAFETY: as above.
    assert_eq!(unsafe { hotloop_system_count() }, 5);
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
    assert!(
        json.starts_with(r#"{"abi":2,"sdk":"0.1.0","crate":"dups","error":"#),
        "{json}"
    );
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
