//! The library's exports: what `export!` writes and the SDK functions behind them.
//!
//! Why a macro: `#[no_mangle]` symbols must be defined in the `cdylib` crate itself, once, and
//! the system table needs one `extern "C"` entry per system. Everything with logic lives in
//! the functions below so the generated code stays a thin, readable layer.

use crate::boundary;
use crate::host;
use crate::SystemFn;
use std::ffi::CString;
use std::sync::{Mutex, PoisonError};

/// The manifest, built on first request; freed when the library is unloaded.
static MANIFEST: Mutex<Option<CString>> = Mutex::new(None);

/// What `on_load` may be: `fn()` or `fn(&mut [u8])` (the latter receives the host memory).
///
/// Why two forms: most hooks need no memory; those that restore state get it directly.
pub trait LoadHook<Marker> {
    #[doc(hidden)]
    fn call(self);
}

impl<F: FnOnce()> LoadHook<fn()> for F {
    fn call(self) {
        self()
    }
}

impl<F: FnOnce(&mut [u8])> LoadHook<fn(&mut [u8])> for F {
    fn call(self) {
        host::with_host_memory(self)
    }
}

/// `hotloop_load`: installs the panic hook, remembers the host's thread and memory, runs `hook`.
///
/// # Safety
/// `host` must be null or valid for reads and writes of `host_len` bytes for as long as the
/// library stays loaded, and not be accessed by anyone else while library code runs.
pub unsafe fn load(host: *mut u8, host_len: usize, hook: impl FnOnce()) -> i32 {
    boundary::install_panic_hook();
    boundary::set_host_thread();
    host::set_host_memory(host, host_len);
    match boundary::boundary(hook) {
        Ok(()) => 0,
        Err(()) => 1,
    }
}

/// `hotloop_set_abort_flag`: remembers the byte the host's watchdog sets to stop a system.
///
/// # Safety
/// `flag` must be null or valid, and written only atomically, for as long as the library is loaded.
pub unsafe fn set_abort_flag(flag: *const u8) {
    // SAFETY: forwarded from our caller's contract.
    unsafe { boundary::set_abort_flag(flag) }
}

/// `hotloop_unload`: runs `hook` (the user's `on_unload`, or nothing).
pub fn unload(hook: impl FnOnce()) -> i32 {
    match boundary::boundary(hook) {
        Ok(()) => 0,
        Err(()) => 1,
    }
}

/// `hotloop_manifest`: the cached manifest, built by `build` on first call; null on panic.
pub fn manifest(build: impl FnOnce() -> String) -> *const u8 {
    boundary::boundary(|| {
        let mut cached = MANIFEST.lock().unwrap_or_else(PoisonError::into_inner);
        cached
            .get_or_insert_with(|| {
                // The escaper writes control characters as \u escapes: no NUL can occur.
                CString::new(build()).expect("the manifest JSON contains no NUL byte")
            })
            .as_ptr()
            .cast::<u8>()
    })
    .unwrap_or(std::ptr::null())
}

/// `hotloop_system_table`: the table's address; null on panic.
pub fn system_table(table: &'static [SystemFn]) -> *const SystemFn {
    boundary::boundary(|| table.as_ptr()).unwrap_or(std::ptr::null())
}

/// One entry of a run list: three `u64` words, the entry point, its ctx, its watchdog number.
const RUN_ENTRY_WORDS: usize = 3;

/// The watchdog's shared words (docs/abi.md, "Runs of systems"), by index.
const WATCH_SYSTEM: usize = 2;
const WATCH_ABORT: usize = 3;

/// `hotloop_run_systems`: calls the entries of `list` in order and stops after the first that
/// returns non-zero (it panicked: its text waits in `hotloop_last_error`); returns that entry's
/// index, or `count` when every one returned 0.
///
/// Why: one FFI crossing for a run of consecutive hot systems instead of one each. Each entry
/// is a system table function, so each system keeps its own panic boundary and context; the
/// host picks up after a failed entry exactly as after a failed single call. With `watch`, the
/// watchdog's words say which system runs, as the host's own calls do (1-based number in word
/// 2, 0 between calls; an abort meant for a call is spent once it returned).
///
/// # Safety
/// `list` holds `count` entries of `RUN_ENTRY_WORDS` (3) words: a [`SystemFn`] of a library that
/// stays open during the call, then a ctx valid for that function (docs/abi.md), then a number.
/// `watch` is null or the watchdog's four `i32` words, shared with other threads only through
/// atomic accesses.
#[inline]
pub unsafe fn run_systems(list: *const u64, count: u32, watch: *mut i32) -> u32 {
    use std::sync::atomic::{AtomicI32, Ordering};
    // SAFETY (for the two `from_ptr`): `watch` points at four aligned i32 words that outlive the
    // call and that other threads touch only atomically (the caller's contract).
    let words = (!watch.is_null()).then(|| unsafe {
        (
            AtomicI32::from_ptr(watch.add(WATCH_SYSTEM)),
            AtomicI32::from_ptr(watch.add(WATCH_ABORT)),
        )
    });
    for i in 0..count as usize {
        // SAFETY: entry i lies within the `count` entries the caller vouches for.
        let (entry, ctx, number) = unsafe {
            let at = list.add(i * RUN_ENTRY_WORDS);
            (*at, *at.add(1), *at.add(2))
        };
        // SAFETY: the first word is a SystemFn's address (the caller's contract); a function
        // pointer and a u64 have the same size on the 64-bit targets the host supports.
        let system = unsafe { std::mem::transmute::<usize, SystemFn>(entry as usize) };
        if let Some((running, _)) = words {
            running.store(number as i32, Ordering::Relaxed);
        }
        // SAFETY: `ctx` is valid for this entry (the caller's contract).
        let status = unsafe { system(ctx as *const u64) };
        if let Some((running, abort)) = words {
            running.store(0, Ordering::Relaxed);
            if abort.load(Ordering::Relaxed) != 0 {
                abort.store(0, Ordering::SeqCst);
            }
        }
        if status != 0 {
            return i as u32;
        }
    }
    count
}

/// `hotloop_last_error`: see docs/abi.md; 0 if even this panicked.
///
/// # Safety
/// `buf` must be null or valid for writes of `cap` bytes.
pub unsafe fn last_error(buf: *mut u8, cap: usize) -> usize {
    // SAFETY: forwarded from our caller's contract.
    boundary::boundary(|| unsafe { boundary::take_last_error(buf, cap) }).unwrap_or(0)
}

/// Frees what the SDK allocated for this library (manifest, last error, panic hook), so
/// nothing is left behind on the heap when the host closes it. `export!` registers it as a
/// library destructor (run by `dlclose`, and at process exit); nothing else should call it.
pub extern "C" fn release() {
    if let Ok(mut cached) = MANIFEST.try_lock() {
        *cached = None;
    }
    boundary::clear_last_error();
    boundary::uninstall_panic_hook();
}

/// Declares the library's systems, where they run, and its hooks; writes every export of
/// docs/abi.md.
///
/// ```
/// # fn spawn_rocks() {} fn drift_rocks() {} fn coin_spin() {} fn player_movement() {}
/// # fn spawn_wave() {} fn clear_wave() {} fn enemy_ai() {} fn integrate() {}
/// # mod coins { pub fn helper() {} }
/// use hotloop_sdk::prelude::*;
/// hotloop_sdk::state! { pub enum GameState { Menu, Playing, GameOver } }
///
/// fn init(memory: &mut [u8]) { /* restore state from the host memory */ }
/// fn shutdown() {}
///
/// hotloop_sdk::export! {
///     // Placed by the library: run in this schedule, in this order, from the first frame
///     // (and added, moved or removed at a reload as this list changes).
///     FixedUpdate: [spawn_rocks, drift_rocks.after("remember_previous")],
///     Update: [coin_spin.before("draw_hud"), enemy_ai.run_if(in_state(GameState::Playing))],
///     // A state's transitions (app.initState(GameState) in TypeScript).
///     OnEnter(GameState::Playing): [spawn_wave],
///     OnExit(GameState::Playing): [clear_wave],
///     // A schedule of the game's own, by name: defineSchedule("Physics") in TypeScript.
///     "Physics": [integrate],
///     // Exported only: the app places them with hotSystem("...") in TypeScript.
///     systems: [player_movement, coins::helper],
///     on_load: init,        // optional: fn() or fn(&mut [u8]) (the host memory), after each load
///     on_unload: shutdown,  // optional: fn(), before the library is unloaded
/// }
/// # extern "C" { fn hotloop_manifest() -> *const u8; }
/// # fn main() {
/// #     // SAFETY: the manifest is a NUL-terminated string that lives as long as the library.
/// #     let json = unsafe { std::ffi::CStr::from_ptr(hotloop_manifest().cast()) }.to_str().unwrap();
/// #     for part in [
/// #         r#"{"name":"enemy_ai","schedule":"Update","after":["coin_spin"],"before":[],"params":[{"kind":"res","name":"State<GameState>","access":"read"}]}"#,
/// #         r#"{"name":"spawn_wave","schedule":"OnEnter(GameState.Playing)","after":[],"before":[],"params":[]}"#,
/// #         r#"{"name":"clear_wave","schedule":"OnExit(GameState.Playing)","after":[],"before":[],"params":[]}"#,
/// #         r#"{"name":"integrate","schedule":"Physics","after":[],"before":[],"params":[]}"#,
/// #         r#""resources":[{"name":"State<GameState>","hash":"#,
/// #         r#""fields":[{"name":"Menu|Playing|GameOver","type":"u32"}]"#,
/// #     ] {
/// #         assert!(json.contains(part), "{part} not in {json}");
/// #     }
/// # }
/// ```
///
/// Write it once per `cdylib` crate, at module level; the entries may come in any order, each
/// at most once except schedules. A schedule's systems run in the order listed (each after the
/// one before it); `.after("name")` / `.before("name")` order one against any system of that
/// schedule by name, TypeScript systems included. Schedules are the App's: `Startup`, `First`,
/// `PreUpdate`, `FixedUpdate`, `Update`, `PostUpdate`, `Render`, `Last` (a misspelt one does not
/// compile); `OnEnter(State::Variant)` and `OnExit(State::Variant)` of a [`state!`](crate::state)
/// type (a misspelt variant does not compile); or a game's own by its name in quotes (an app
/// without it refuses that system alone). `.run_if(in_state(GameState::Playing))` runs a system
/// only while the state has that value: its manifest lists `Res<State<GameState>>` before its own
/// parameters. `systems` may be paths (`movement::apply`); the manifest names each system by its
/// last segment, the name `hotSystem("...")` and the ordering use.
///
/// It expands (inside an anonymous `const` block, so it adds no names to your module) to
/// `hotloop_abi_version`, `hotloop_manifest`, `hotloop_system_table` (one `extern "C"`
/// trampoline per system, in manifest order), `hotloop_load`, `hotloop_unload`,
/// `hotloop_last_error`, and a library destructor that frees the SDK's allocations on unload.
#[macro_export]
macro_rules! export {
    ($($body:tt)*) => {
        $crate::__export_entries! { [] [] [] ; $($body)* }
    };
}

/// `export!`'s parser: collects systems (`{ path ; [schedule?] ; [condition?] ; relations }`),
/// `on_load` and `on_unload`, then hands them to `__export_emit!`. Not a public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __export_entries {
    ([$($sys:tt)*] [$($load:path)?] [$($unload:path)?] ; $(,)?) => {
        $crate::__export_emit! { [$($sys)*] [$($load)?] [$($unload)?] }
    };
    ([$($sys:tt)*] $load:tt $unload:tt ; systems : [$($path:path),* $(,)?] $(, $($rest:tt)*)?) => {
        $crate::__export_entries! { [$($sys)* $({ $path ; [] ; [] ; })*] $load $unload ; $($($rest)*)? }
    };
    ($sys:tt [] $unload:tt ; on_load : $hook:path $(, $($rest:tt)*)?) => {
        $crate::__export_entries! { $sys [$hook] $unload ; $($($rest)*)? }
    };
    ($sys:tt $load:tt [] ; on_unload : $hook:path $(, $($rest:tt)*)?) => {
        $crate::__export_entries! { $sys $load [$hook] ; $($($rest)*)? }
    };
    ($sys:tt $load:tt $unload:tt ; OnEnter ($state:ident :: $variant:ident) : [$($list:tt)*] $(, $($rest:tt)*)?) => {
        $crate::__export_placed! {
            $sys $load $unload [$($($rest)*)?] [$crate::__private::on_enter($state::$variant)] ; $($list)*
        }
    };
    ($sys:tt $load:tt $unload:tt ; OnExit ($state:ident :: $variant:ident) : [$($list:tt)*] $(, $($rest:tt)*)?) => {
        $crate::__export_placed! {
            $sys $load $unload [$($($rest)*)?] [$crate::__private::on_exit($state::$variant)] ; $($list)*
        }
    };
    ($sys:tt $load:tt $unload:tt ; $schedule:literal : [$($list:tt)*] $(, $($rest:tt)*)?) => {
        $crate::__export_placed! { $sys $load $unload [$($($rest)*)?] [$schedule] ; $($list)* }
    };
    ($sys:tt $load:tt $unload:tt ; $schedule:ident : [$($list:tt)*] $(, $($rest:tt)*)?) => {
        $crate::__export_placed! {
            $sys $load $unload [$($($rest)*)?] [$crate::schedules::$schedule] ; $($list)*
        }
    };
}

/// `export!`'s parser for one schedule's list (`$schedule`: `[the schedule's name as an
/// expression]`): one item after another, each parsed by `__export_item!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __export_placed {
    ([$($sys:tt)*] $load:tt $unload:tt [$($rest:tt)*] $schedule:tt ; $(,)?) => {
        $crate::__export_entries! { [$($sys)*] $load $unload ; $($rest)* }
    };
    ($sys:tt $load:tt $unload:tt $rest:tt $schedule:tt ; $name:ident $($more:tt)*) => {
        $crate::__export_item! { $sys $load $unload $rest $schedule ; $name [] [] ; $($more)* }
    };
}

/// `export!`'s parser for one item of a schedule's list: `name`, then any of `.after("a", "b")`,
/// `.before("c")` and one `.run_if(condition)`, up to the next comma.
#[doc(hidden)]
#[macro_export]
macro_rules! __export_item {
    ($sys:tt $load:tt $unload:tt $rest:tt $schedule:tt ; $name:ident [$($rel:tt)*] $cond:tt ;
        . after ($($target:literal),* $(,)?) $($more:tt)*) => {
        $crate::__export_item! {
            $sys $load $unload $rest $schedule ; $name [$($rel)* after($($target),*)] $cond ; $($more)*
        }
    };
    ($sys:tt $load:tt $unload:tt $rest:tt $schedule:tt ; $name:ident [$($rel:tt)*] $cond:tt ;
        . before ($($target:literal),* $(,)?) $($more:tt)*) => {
        $crate::__export_item! {
            $sys $load $unload $rest $schedule ; $name [$($rel)* before($($target),*)] $cond ; $($more)*
        }
    };
    ($sys:tt $load:tt $unload:tt $rest:tt $schedule:tt ; $name:ident $rels:tt [] ;
        . run_if ($condition:expr) $($more:tt)*) => {
        $crate::__export_item! { $sys $load $unload $rest $schedule ; $name $rels [$condition] ; $($more)* }
    };
    ([$($sys:tt)*] $load:tt $unload:tt $rest:tt $schedule:tt ; $name:ident [$($rel:tt)*] $cond:tt ;
        $(, $($more:tt)*)?) => {
        $crate::__export_placed! {
            [$($sys)* { $name ; $schedule ; $cond ; $($rel)* }] $load $unload $rest $schedule ; $($($more)*)?
        }
    };
}

/// A system as its trampoline calls it and its manifest entry describes it: itself, or gated by
/// its `run_if` condition. Not a public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __export_gate {
    ($system:path ; ) => {
        $system
    };
    ($system:path ; $condition:expr) => {
        $crate::__private::RunIf::new($system, $condition)
    };
}

/// `export!`'s code generator. Not a public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __export_emit {
    ([$({ $system:path ; [$($schedule:expr)?] ; [$($condition:expr)?] ; $($rel:ident($($target:literal),*))* })*]
        [$($on_load:path)?] [$($on_unload:path)?]) => {
        const _: () = {
            static SYSTEMS: &[$crate::SystemFn] = &[$({
                unsafe extern "C" fn trampoline(ctx: *const u64) -> i32 {
                    // SAFETY: the host calls entry i of the table with a ctx laid out for the
                    // i-th system of the manifest, as docs/abi.md requires.
                    unsafe { $crate::__private::run_system($crate::__export_gate!($system ; $($condition)?), ctx) }
                }
                trampoline as $crate::SystemFn
            }),*];

            const HAS_LOAD: bool = {
                let hooks: &[&str] = &[$(stringify!($on_load))?];
                !hooks.is_empty()
            };
            const HAS_UNLOAD: bool = {
                let hooks: &[&str] = &[$(stringify!($on_unload))?];
                !hooks.is_empty()
            };

            /// The ABI version this library was built for.
            #[no_mangle]
            pub extern "C" fn hotloop_abi_version() -> u32 {
                $crate::HOTLOOP_ABI_VERSION
            }

            /// The manifest: NUL-terminated JSON, valid until the library is closed.
            #[no_mangle]
            pub extern "C" fn hotloop_manifest() -> *const u8 {
                $crate::__private::manifest(|| {
                    let crate_name = match ::core::option_env!("CARGO_CRATE_NAME") {
                        ::core::option::Option::Some(name) => name,
                        ::core::option::Option::None => "unknown",
                    };
                    let mut manifest =
                        $crate::__private::ManifestBuilder::new(crate_name, HAS_LOAD, HAS_UNLOAD);
                    $(
                        manifest.system(stringify!($system), &$crate::__export_gate!($system ; $($condition)?))
                            $(.place($schedule))?
                            $(.$rel(&[$($target),*]))*;
                    )*
                    manifest.to_json()
                })
            }

            /// The number of entries in the system table: the host checks it against the manifest.
            #[no_mangle]
            pub extern "C" fn hotloop_system_count() -> u32 {
                SYSTEMS.len() as u32
            }

            /// The systems' entry points, in manifest order.
            #[no_mangle]
            pub extern "C" fn hotloop_system_table() -> *const $crate::SystemFn {
                $crate::__private::system_table(SYSTEMS)
            }

            /// Installs the panic hook, keeps the host memory, runs `on_load`.
            ///
            /// # Safety
            /// `host` is null or a block of `host_len` bytes that outlives the library.
            #[no_mangle]
            pub unsafe extern "C" fn hotloop_load(host: *mut u8, host_len: usize) -> i32 {
                // SAFETY: the host passes its memory block, which outlives every library
                // (docs/abi.md, "Host memory").
                unsafe {
                    $crate::__private::load(host, host_len, || {
                        $($crate::__private::LoadHook::call($on_load);)?
                    })
                }
            }

            /// Remembers the host's watchdog flag: queries and resources stop the system once it is set.
            ///
            /// # Safety
            /// `flag` is null or a byte that outlives the library, written only atomically.
            #[no_mangle]
            pub unsafe extern "C" fn hotloop_set_abort_flag(flag: *const u8) {
                // SAFETY: the host passes its shared watchdog byte (docs/abi.md, "Watchdog").
                unsafe { $crate::__private::set_abort_flag(flag) }
            }

            /// Runs `on_unload`.
            #[no_mangle]
            pub extern "C" fn hotloop_unload() -> i32 {
                $crate::__private::unload(|| {
                    $($on_unload();)?
                })
            }

            /// Runs consecutive systems in one call (docs/abi.md, "Runs of systems").
            ///
            /// # Safety
            /// `list` holds `count` entries `[entry, ctx, number]` as docs/abi.md describes;
            /// `watch` is null or the watchdog's shared words.
            #[no_mangle]
            pub unsafe extern "C" fn hotloop_run_systems(list: *const u64, count: u32, watch: *mut i32) -> u32 {
                // SAFETY: forwarded from the host's side of the contract (docs/abi.md).
                unsafe { $crate::__private::run_systems(list, count, watch) }
            }

            /// Copies (and clears) the last panic's text.
            ///
            /// # Safety
            /// `buf` is null or valid for writes of `cap` bytes.
            #[no_mangle]
            pub unsafe extern "C" fn hotloop_last_error(buf: *mut u8, cap: usize) -> usize {
                // SAFETY: the host passes a buffer of `cap` bytes (docs/abi.md).
                unsafe { $crate::__private::last_error(buf, cap) }
            }

            // Frees the SDK's allocations when the library is unloaded (ELF: DT_FINI_ARRAY,
            // run by dlclose and at exit; Mach-O: module terminators).
            #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
            #[used]
            #[link_section = ".fini_array"]
            static RELEASE: extern "C" fn() = $crate::__private::release;
            #[cfg(target_vendor = "apple")]
            #[used]
            #[link_section = "__DATA,__mod_term_func,mod_term_funcs"]
            static RELEASE: extern "C" fn() = $crate::__private::release;
        };
    };
}
