//! The host of the peers benchmark: a game loop calling hot functions through hot-lib-reloader,
//! set up as its README does (`#[hot_module]`, `hot_functions_from_file!`). It prints one JSON
//! object per line on stdout for bench/suites/peers.ts; hot-lib-reloader's own messages (and any
//! panic) go to stderr, which the suite keeps the last lines of.
//!
//! Usage (the library's directory in `HLR_LIB_DIR`, holding `libhlr_lib.so`):
//!
//! ```text
//! hlr-host call [--samples 15] [--sample-ms 20]
//!     ns per call of `noop` through the generated wrapper (a lock and a symbol lookup per call)
//!     and through a pointer looked up once.
//! hlr-host reload --debounce default|1ms --count N --gap-ms G --variant FILE:STAMP --variant FILE:STAMP
//!     publishes the variants alternately (a temp file renamed over the library, as cargo replaces
//!     it) and times each rename's return → the end of the first frame whose `stamp()` is the new one.
//! hlr-host watch --debounce default|1ms
//!     runs frames until stdin closes; a line whenever `stamp()` changes and a heartbeat every
//!     100 ms, with whether the mover's data is what the good code makes of it.
//! ```
//!
//! A frame is what hotloop's reload suite runs: `mover` over 1000 entities, then `stamp`, then a
//! yield (the TypeScript loop yields to its event loop every frame).

use std::hint::black_box;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// hot-lib-reloader at its default file watch debounce (500 ms).
#[hot_lib_reloader::hot_module(
    dylib = "hlr_lib",
    lib_dir = std::env::var("HLR_LIB_DIR").expect("HLR_LIB_DIR: the directory of libhlr_lib.so")
)]
mod hot_default {
    hot_functions_from_file!("hlr-lib/src/lib.rs");

    #[lib_version]
    pub fn version() -> usize {}
}

/// hot-lib-reloader at its fastest setting: a 1 ms debounce.
#[hot_lib_reloader::hot_module(
    dylib = "hlr_lib",
    lib_dir = std::env::var("HLR_LIB_DIR").expect("HLR_LIB_DIR: the directory of libhlr_lib.so"),
    file_watch_debounce = 1
)]
mod hot_fast {
    hot_functions_from_file!("hlr-lib/src/lib.rs");

    #[lib_version]
    pub fn version() -> usize {}
}

/// One hot module's functions (the generated wrappers); only the chosen module is ever called, so
/// only its reloader (watcher and update thread) starts.
struct Hot {
    stamp: fn() -> u32,
    mover: fn(&mut [f32], &[f32], f32),
    version: fn() -> usize,
}

const DEFAULT: Hot = Hot {
    stamp: hot_default::stamp,
    mover: hot_default::mover,
    version: hot_default::version,
};
const FAST: Hot = Hot {
    stamp: hot_fast::stamp,
    mover: hot_fast::mover,
    version: hot_fast::version,
};

/// Entities the mover moves each frame, as in hotloop's reload suite.
const ENTITIES: usize = 1000;
/// The step: exact in f32, so the host can replay the good code's arithmetic bit for bit.
const DT: f32 = 1.0 / 64.0;

/// The game state and a replay of what the good code makes of it.
struct Game {
    hot: &'static Hot,
    pos: Vec<f32>,
    vel: Vec<f32>,
    shadow: Vec<f32>,
    frames: u64,
}

impl Game {
    fn new(hot: &'static Hot) -> Self {
        let pos: Vec<f32> = (0..ENTITIES).map(|i| i as f32).collect();
        Game {
            hot,
            shadow: pos.clone(),
            pos,
            vel: vec![1.0; ENTITIES],
            frames: 0,
        }
    }

    /// One frame: the hot mover, the host's replay of it, the hot stamp; returns the stamp.
    fn frame(&mut self) -> u32 {
        (self.hot.mover)(&mut self.pos, &self.vel, DT);
        for (s, v) in self.shadow.iter_mut().zip(&self.vel) {
            *s += v * DT;
        }
        let stamp = (self.hot.stamp)();
        self.frames += 1;
        std::thread::yield_now();
        stamp
    }

    /// Whether every position is what the good code would have made of it (bit for bit).
    fn intact(&self) -> bool {
        self.pos
            .iter()
            .zip(&self.shadow)
            .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(mode) = args.first() else {
        usage("a mode")
    };
    match mode.as_str() {
        "call" => call(&args[1..]),
        "reload" => reload(&args[1..]),
        "watch" => watch(&args[1..]),
        other => usage(&format!("a known mode, not {other:?}")),
    }
}

fn usage(expected: &str) -> ! {
    eprintln!("hlr-host: expected {expected}; see the top of bench/peers/hlr-host/src/main.rs");
    std::process::exit(2)
}

/// The value of `--name`, if given.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// Every value of a repeated `--name`.
fn flags<'a>(args: &'a [String], name: &str) -> Vec<&'a str> {
    args.windows(2)
        .filter(|w| w[0] == name)
        .map(|w| w[1].as_str())
        .collect()
}

fn number<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    match flag(args, name) {
        None => default,
        Some(v) => v
            .parse()
            .unwrap_or_else(|_| usage(&format!("a number after {name}"))),
    }
}

fn module(args: &[String]) -> &'static Hot {
    match flag(args, "--debounce") {
        Some("default") => &DEFAULT,
        Some("1ms") => &FAST,
        _ => usage("--debounce default|1ms"),
    }
}

fn lib_dir() -> PathBuf {
    PathBuf::from(std::env::var("HLR_LIB_DIR").unwrap_or_else(|_| usage("HLR_LIB_DIR")))
}

fn library(dir: &Path) -> PathBuf {
    dir.join("libhlr_lib.so")
}

fn emit(line: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe means the suite is gone: nothing left to report to.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.is_empty() {
        f64::NAN
    } else if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn list(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("{v:.4}")).collect();
    format!("[{}]", items.join(","))
}

/// Times `run(n)` variants side by side as bench/lib.ts's `measure()` does: a batch sized to
/// about `sample_ms`, then `samples` interleaved samples of each; the median ns per operation.
fn measure(samples: usize, sample_ms: f64, variants: &mut [&mut dyn FnMut(u64)]) -> Vec<f64> {
    for run in variants.iter_mut() {
        run(1_000);
    }
    let mut batch: u64 = 1;
    loop {
        let slowest = variants
            .iter_mut()
            .map(|run| {
                let start = Instant::now();
                run(batch);
                start.elapsed().as_secs_f64() * 1e3
            })
            .fold(0.0, f64::max);
        if slowest >= sample_ms / 4.0 || batch >= 1 << 30 {
            batch = ((batch as f64 * sample_ms / slowest.max(1e-3)).round() as u64).max(1);
            break;
        }
        batch *= 4;
    }
    let mut times = vec![Vec::with_capacity(samples); variants.len()];
    for _ in 0..samples {
        for (run, t) in variants.iter_mut().zip(times.iter_mut()) {
            let start = Instant::now();
            run(batch);
            t.push(start.elapsed().as_secs_f64() * 1e9 / batch as f64);
        }
    }
    times.iter_mut().map(|t| median(t)).collect()
}

/// `call`: the generated wrapper against a pointer looked up once, in the same library.
fn call(args: &[String]) {
    let samples = number(args, "--samples", 15usize);
    let sample_ms = number(args, "--sample-ms", 20.0f64);
    // The wrapper loads the library on its first call (a copy, as hot-lib-reloader does).
    hot_fast::noop();
    // SAFETY: the library is ours (hlr-lib); `noop` is `fn()` and stays loaded for the whole run.
    let lib = unsafe { libloading::Library::new(library(&lib_dir())) }.expect("load libhlr_lib.so");
    // SAFETY: as above: `noop` has exactly this signature.
    let noop: fn() = *unsafe { lib.get::<fn()>(b"noop\0") }.expect("noop in libhlr_lib.so");
    let noop = black_box(noop);
    let mut wrapper = |n: u64| {
        for _ in 0..n {
            hot_fast::noop();
        }
    };
    let mut pointer = |n: u64| {
        for _ in 0..n {
            black_box(noop)();
        }
    };
    let m = measure(samples, sample_ms, &mut [&mut wrapper, &mut pointer]);
    emit(&format!(
        r#"{{"mode":"call","wrapper_ns":{:.3},"pointer_ns":{:.3}}}"#,
        m[0], m[1]
    ));
}

/// Writes a finished file over the library, as cargo publishes a build (a rename). Returns when
/// the rename returned: the latency starts there, as in hotloop's reload suite (writing the file
/// is the build's time, and the rename's own work is no frame's when cargo does it).
fn publish(path: &Path, bytes: &[u8]) -> Instant {
    let tmp = path.with_extension("so.tmp");
    std::fs::write(&tmp, bytes).expect("write the library");
    std::fs::rename(&tmp, path).expect("rename over the library");
    Instant::now()
}

/// `reload`: write → the first frame running the new code, alternating two prebuilt variants.
fn reload(args: &[String]) {
    let hot = module(args);
    let count = number(args, "--count", 20usize);
    let gap = Duration::from_millis(number(args, "--gap-ms", 150u64));
    let limit = Duration::from_millis(number(args, "--limit-ms", 10_000u64));
    let variants: Vec<(Vec<u8>, u32)> = flags(args, "--variant")
        .into_iter()
        .map(|v| {
            let (file, stamp) = v
                .rsplit_once(':')
                .unwrap_or_else(|| usage("--variant FILE:STAMP"));
            let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("read {file}: {e}"));
            (
                bytes,
                stamp
                    .parse()
                    .unwrap_or_else(|_| usage("--variant FILE:STAMP")),
            )
        })
        .collect();
    if variants.len() != 2 {
        usage("two --variant FILE:STAMP");
    }
    let path = library(&lib_dir());
    publish(&path, &variants[0].0);
    let mut game = Game::new(hot);
    // The first call loads the library and starts the watcher thread; give it time to watch.
    let start = Instant::now();
    while game.frame() != variants[0].1 || start.elapsed() < Duration::from_millis(300) {
        assert!(start.elapsed() < limit, "first library not running");
    }
    let mut latencies = Vec::new();
    let mut swap_frames = Vec::new();
    let mut normal_frames = Vec::new();
    let mut timeouts = 0;
    for i in 0..count {
        let (bytes, stamp) = &variants[(i + 1) % 2];
        let written = publish(&path, bytes);
        loop {
            let frame_start = Instant::now();
            let seen = game.frame();
            let now = Instant::now();
            if seen == *stamp {
                latencies.push((now - written).as_secs_f64() * 1e3);
                swap_frames.push((now - frame_start).as_secs_f64() * 1e3);
                break;
            }
            if now - written > limit {
                timeouts += 1;
                break;
            }
            if normal_frames.len() < 200_000 {
                normal_frames.push((now - frame_start).as_secs_f64() * 1e3);
            }
        }
        let until = Instant::now() + gap;
        while Instant::now() < until {
            let frame_start = Instant::now();
            game.frame();
            if normal_frames.len() < 200_000 {
                normal_frames.push(frame_start.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    emit(&format!(
        r#"{{"mode":"reload","latencies_ms":{},"swap_frames_ms":{},"normal_frame_ms":{:.5},"timeouts":{},"version":{},"intact":{}}}"#,
        list(&latencies),
        list(&swap_frames),
        median(&mut normal_frames),
        timeouts,
        (hot.version)(),
        game.intact(),
    ));
}

/// `watch`: frames until stdin closes, reporting stamps and whether the data is intact.
fn watch(args: &[String]) {
    let hot = module(args);
    let quit = Arc::new(AtomicBool::new(false));
    let stdin_closed = quit.clone();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            if line.map_or(true, |l| l.trim() == "quit") {
                break;
            }
        }
        stdin_closed.store(true, Ordering::Release);
    });
    let mut game = Game::new(hot);
    let mut last = None;
    let mut beat = Instant::now();
    while !quit.load(Ordering::Acquire) {
        let stamp = game.frame();
        let changed = last != Some(stamp);
        if changed || beat.elapsed() >= Duration::from_millis(100) {
            let event = if changed { "stamp" } else { "beat" };
            emit(&format!(
                r#"{{"event":"{event}","stamp":{stamp},"frames":{},"version":{},"intact":{}}}"#,
                game.frames,
                (hot.version)(),
                game.intact(),
            ));
            last = Some(stamp);
            beat = Instant::now();
        }
    }
    emit(&format!(
        r#"{{"event":"exit","frames":{},"intact":{}}}"#,
        game.frames,
        game.intact()
    ));
}
