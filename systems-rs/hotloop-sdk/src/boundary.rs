//! The FFI boundary: where panics stop.
//!
//! Why: a panic must never unwind into the host (that is undefined behaviour across
//! `extern "C"`), and the host wants one line of text saying what went wrong and where.
//! Every export runs its body through [`boundary`], which catches the unwind; the SDK's panic
//! hook records `message (at file:line:col)` for `hotloop_last_error`, and prints nothing for
//! panics on the host's thread (the thread that loaded the library, where every export runs).
//!
//! The same module keeps a per-thread *call epoch*: system parameters remember the epoch they
//! were fetched in and refuse to be used after their call ended (see [`check_epoch`]).

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicU8, Ordering};
use std::sync::{Mutex, Once, PoisonError};

/// The text of the last panic caught at the boundary; empty when there is none.
static LAST_ERROR: Mutex<String> = Mutex::new(String::new());

/// Guards the one-time installation of the SDK's panic hook in this library's copy of std.
static HOOK: Once = Once::new();

/// How many times `hotloop_load` ran in this copy of the library. The host's thread is the one
/// whose [`LOADED_HERE`] holds the current count: the thread of the latest load, where every
/// export runs, so a panic there is inside a boundary and is reported by the host as one line;
/// the hook stays quiet for it.
///
/// Why a thread and not an "inside a boundary" flag: the flag had to be saved, set and restored
/// on every system call (about 0.5-0.8 ns of a ~4 ns call); the thread is read only on the panic
/// path. Panics on other threads (a thread the user spawned, a unit test without a load) are
/// recorded and also printed by the hook that was there before.
///
/// Why a count and not `std::thread::current().id()`: in a `cdylib` that std is the library's
/// own copy, whose `thread::current()` creates a pthread key (std's TLS-destructor guard) the
/// first time a thread asks. `dlclose` never deletes that key and glibc has only 1024, so every
/// load leaked one and the game aborted ("out of TLS keys") after about a thousand reloads;
/// the key's destructor also pointed into the closed library. A count plus a `Cell` creates
/// nothing and holds nothing past `dlclose`.
static HOST_LOADS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Bumped at the end of every system call (with parameters) on this thread.
    ///
    /// Const-initialised and without `Drop`: std registers no TLS destructor for it, so it
    /// cannot keep the library from unloading (rust-lang/rust#59629).
    static EPOCH: Cell<u64> = const { Cell::new(0) };

    /// The value of [`HOST_LOADS`] after the latest `hotloop_load` on this thread; 0 if none ran
    /// here. Like `EPOCH`: const-initialised, no `Drop`, so plain ELF TLS without any pthread
    /// key or destructor, and readable even while the thread is being torn down.
    static LOADED_HERE: Cell<u64> = const { Cell::new(0) };
}

/// Installs the SDK's panic hook once. Every panic's text is recorded; panics on the host's
/// thread are not printed (the host reports them), panics elsewhere (e.g. a thread the user
/// spawned, or a failing unit test) also go to the hook that was there before, so they print.
#[inline]
pub(crate) fn install_panic_hook() {
    if !HOOK.is_completed() {
        install_panic_hook_once();
    }
}

#[cold]
fn install_panic_hook_once() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = info.payload_as_str().unwrap_or("Box<dyn Any>");
            let text = match info.location() {
                Some(at) => format!("{message} (at {}:{}:{})", at.file(), at.line(), at.column()),
                None => message.to_owned(),
            };
            set_last_error(text);
            if !on_host_thread() {
                previous(info);
            }
        }));
    });
}

/// Removes the SDK's hook again (restoring std's default) so its allocation is freed before
/// the library image goes away. Called only from the library destructor.
pub(crate) fn uninstall_panic_hook() {
    if HOOK.is_completed() && !std::thread::panicking() {
        drop(panic::take_hook());
    }
}

/// Remembers the calling thread as the host's (called by `hotloop_load`), until a later load
/// on another thread takes over.
pub(crate) fn set_host_thread() {
    // Relaxed: the count is the only data; a thread always reads back its own latest write, and
    // a load racing a panic on another thread may be seen either way (as with any order).
    let load = HOST_LOADS.fetch_add(1, Ordering::Relaxed) + 1;
    LOADED_HERE.set(load);
}

/// Whether the calling thread is the host's: the thread of the latest `hotloop_load`.
/// Read only on the panic path.
fn on_host_thread() -> bool {
    let here = LOADED_HERE.get();
    here != 0 && here == HOST_LOADS.load(Ordering::Relaxed)
}

/// Replaces the last error's text.
pub(crate) fn set_last_error(text: String) {
    *LAST_ERROR.lock().unwrap_or_else(PoisonError::into_inner) = text;
}

/// Frees the last error's text (if nobody holds it). Called only from the library destructor.
pub(crate) fn clear_last_error() {
    if let Ok(mut last) = LAST_ERROR.try_lock() {
        *last = String::new();
    }
}

/// A copy of the last error's text (without clearing it), for tests.
#[cfg(test)]
pub(crate) fn peek_last_error() -> String {
    LAST_ERROR
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Implements `hotloop_last_error`: copies at most `cap` bytes of the last error into `buf`
/// and returns its full length. A call with a null `buf` or `cap == 0` only reports the length;
/// any other call clears the error.
///
/// # Safety
/// `buf` must be null or valid for writes of `cap` bytes.
pub(crate) unsafe fn take_last_error(buf: *mut u8, cap: usize) -> usize {
    let mut text = LAST_ERROR.lock().unwrap_or_else(PoisonError::into_inner);
    let len = text.len();
    if len == 0 || buf.is_null() || cap == 0 {
        return len;
    }
    let n = len.min(cap);
    // SAFETY: the caller promises `buf` is valid for `cap >= n` bytes; the source is our own
    // String (at least `n` bytes) and cannot overlap a host buffer.
    unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), buf, n) };
    *text = String::new();
    len
}

/// Runs `f`, catching any panic. `Err(())` means it panicked; its text is in the last error.
pub(crate) fn boundary<R>(f: impl FnOnce() -> R) -> Result<R, ()> {
    boundary_with(f, false)
}

/// [`boundary`], optionally ending the call epoch afterwards (for system calls).
#[inline]
fn boundary_with<R>(f: impl FnOnce() -> R, end_epoch: bool) -> Result<R, ()> {
    install_panic_hook();
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    if end_epoch {
        EPOCH.set(EPOCH.get().wrapping_add(1));
    }
    result.map_err(record_payload)
}

/// Records a caught panic's payload when the hook did not (another hook replaced it), then
/// drops it.
///
/// Out of line and cold so the boundary's fast path keeps no registers for it: with it inlined,
/// every system call paid a six-register prologue for a path taken only on panic.
#[cold]
#[inline(never)]
fn record_payload(payload: Box<dyn std::any::Any + Send>) {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("Box<dyn Any>");
    let mut last = LAST_ERROR.lock().unwrap_or_else(PoisonError::into_inner);
    if !last.starts_with(message) {
        *last = message.to_owned();
    }
    drop(last);
    // A payload whose destructor panics must not escape either.
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(payload)));
}

/// Runs one system call inside the boundary. For a system with parameters it then ends the
/// call's epoch, so parameters smuggled out of the call are refused later (a system without
/// parameters has nothing to smuggle and skips the thread-local access).
#[inline]
pub(crate) fn system_call(has_params: bool, f: impl FnOnce()) -> i32 {
    match boundary_with(f, has_params) {
        Ok(()) => 0,
        Err(()) => 1,
    }
}

/// The current call epoch on this thread; parameters store it when fetched.
#[inline]
pub(crate) fn epoch() -> u64 {
    EPOCH.get()
}

/// Panics when a parameter fetched in call `fetched` is used in another call, or when the host's
/// watchdog asked the running system to stop (every use of a query or resource is a checkpoint).
#[inline]
#[track_caller]
pub(crate) fn check_epoch(fetched: u64) {
    if fetched != epoch() {
        stale_param();
    }
    checkpoint();
}

/// The host's abort flag: a byte it sets from its watchdog thread when a system ran past its
/// time budget. Null until the host hands one over (`hotloop_set_abort_flag`).
static ABORT: AtomicPtr<AtomicU8> = AtomicPtr::new(std::ptr::null_mut());

/// Remembers the host's abort flag.
///
/// # Safety
/// `flag` must be null or point to a byte that stays valid, and is only written atomically, for
/// as long as the library is loaded.
pub(crate) unsafe fn set_abort_flag(flag: *const u8) {
    ABORT.store(flag.cast_mut().cast::<AtomicU8>(), Ordering::Release);
}

/// Stops the running system (as a panic the host catches and rolls back) when the host's
/// watchdog asked for it. Every use of a query or resource already checks; call it inside a long
/// loop of your own that touches neither, so the watchdog can stop that loop too.
#[inline]
#[track_caller]
pub fn checkpoint() {
    let flag = ABORT.load(Ordering::Relaxed);
    // SAFETY: the host guarantees the flag outlives the library (`set_abort_flag`); AtomicU8 has
    // the layout of u8, and the host writes it atomically.
    if !flag.is_null() && unsafe { (*flag).load(Ordering::Relaxed) } != 0 {
        stopped_by_watchdog();
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn stopped_by_watchdog() -> ! {
    panic!("hotloop: stopped by the watchdog: the system ran past its time budget")
}

#[cold]
#[inline(never)]
#[track_caller]
fn stale_param() -> ! {
    panic!(
        "hotloop: a system parameter was used after its system returned \
         (queries and resources are only valid during the call they were passed to)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_catches_and_records() {
        let _serial = crate::tests::serial();
        set_last_error(String::new());
        let line = line!() + 1;
        let r = boundary(|| panic!("boom {}", 7));
        assert!(r.is_err());
        let text = peek_last_error();
        assert!(text.starts_with("boom 7 (at "), "{text}");
        assert!(text.contains(&format!("boundary.rs:{line}:")), "{text}");
    }

    #[test]
    fn the_host_thread_is_the_thread_of_the_latest_load() {
        let _serial = crate::tests::serial();
        let elsewhere = || std::thread::spawn(on_host_thread).join().unwrap();
        set_host_thread();
        assert!(on_host_thread());
        assert!(!elsewhere(), "a thread that never loaded is not the host's");
        std::thread::spawn(set_host_thread).join().unwrap();
        assert!(
            !on_host_thread(),
            "a later load on another thread took over"
        );
        set_host_thread();
        assert!(on_host_thread());
    }

    #[test]
    fn last_error_peek_then_take() {
        let _serial = crate::tests::serial();
        set_last_error("héllo".to_owned());
        // SAFETY: a null buffer is allowed and only reports the length.
        assert_eq!(unsafe { take_last_error(std::ptr::null_mut(), 0) }, 6);
        let mut buf = [0u8; 3];
        // SAFETY: `buf` is valid for 3 bytes.
        assert_eq!(unsafe { take_last_error(buf.as_mut_ptr(), buf.len()) }, 6);
        assert_eq!(&buf, b"h\xc3\xa9");
        // SAFETY: as above; the error was cleared by the previous read.
        assert_eq!(unsafe { take_last_error(buf.as_mut_ptr(), buf.len()) }, 0);
    }
}
