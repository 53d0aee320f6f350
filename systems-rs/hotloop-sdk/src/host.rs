//! Host memory: state that survives a reload.
//!
//! Why: a reload replaces the library and every static in it. The host lends each library the
//! same zero-initialised block (64 KiB) in `hotloop_load`; what a library keeps there is still
//! there for the next build. Store plain numbers at fixed offsets, e.g. with [`HostCell`].

use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

static HOST_PTR: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static HOST_LEN: AtomicUsize = AtomicUsize::new(0);
/// Set while a `&mut [u8]` over the host memory is lent out, so two can never coexist.
static BORROWED: AtomicBool = AtomicBool::new(false);

/// Remembers the block `hotloop_load` received (null means none).
pub(crate) fn set_host_memory(ptr: *mut u8, len: usize) {
    let len = if ptr.is_null() { 0 } else { len };
    HOST_PTR.store(ptr, Ordering::Release);
    HOST_LEN.store(len, Ordering::Release);
}

struct Borrow;

impl Borrow {
    fn acquire() -> Borrow {
        if BORROWED.swap(true, Ordering::Acquire) {
            panic!("hotloop: with_host_memory called while the host memory is already borrowed");
        }
        Borrow
    }
}

impl Drop for Borrow {
    fn drop(&mut self) {
        BORROWED.store(false, Ordering::Release);
    }
}

/// Lends the host memory as `&mut [u8]` for the duration of `f`.
///
/// The slice is empty before the first `hotloop_load` (e.g. in unit tests). Calling it again
/// from inside `f` (or from `on_load` when that takes the memory) panics rather than aliasing.
///
/// ```
/// let first = hotloop_sdk::with_host_memory(|bytes| bytes.first().copied());
/// assert_eq!(first, None); // nothing was loaded in a doctest
/// ```
pub fn with_host_memory<R>(f: impl FnOnce(&mut [u8]) -> R) -> R {
    let _borrow = Borrow::acquire();
    let ptr = HOST_PTR.load(Ordering::Acquire);
    let len = HOST_LEN.load(Ordering::Acquire);
    let bytes: &mut [u8] = if ptr.is_null() {
        &mut []
    } else {
        // SAFETY: the host guarantees the block it passed to `hotloop_load` is `len` bytes,
        // writable and alive for as long as the library is loaded, and touched by no one else
        // while library code runs; `BORROWED` makes this the only slice over it.
        unsafe { std::slice::from_raw_parts_mut(ptr, len) }
    };
    f(bytes)
}

mod sealed {
    pub trait Sealed {}
}

/// A plain number that can live in host memory: `u8..u64`, `i8..i64`, `f32`, `f64`.
///
/// Why these only: every bit pattern is a valid value, so whatever a previous build left at
/// an offset reads back safely (as a possibly surprising number, never as undefined behaviour).
pub trait HostValue: Copy + sealed::Sealed + 'static {
    /// Its size in bytes.
    const SIZE: usize;
    #[doc(hidden)]
    fn load(bytes: &[u8]) -> Self;
    #[doc(hidden)]
    fn store(self, bytes: &mut [u8]);
}

macro_rules! host_values {
    ($($t:ty)*) => {$(
        impl sealed::Sealed for $t {}
        impl HostValue for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn load(bytes: &[u8]) -> Self {
                let mut raw = [0u8; std::mem::size_of::<$t>()];
                raw.copy_from_slice(bytes);
                <$t>::from_ne_bytes(raw)
            }
            fn store(self, bytes: &mut [u8]) {
                bytes.copy_from_slice(&self.to_ne_bytes());
            }
        }
    )*};
}
host_values!(u8 u16 u32 u64 i8 i16 i32 i64 f32 f64);

/// A typed value at a fixed byte offset in host memory: survives reloads.
///
/// Why: most hot state is a few numbers (a score, a seed, a toggle); a `const` cell names one
/// without any unsafe code. Offsets are yours to lay out; keep them stable across builds.
///
/// ```
/// use hotloop_sdk::HostCell;
/// const SCORE: HostCell<u32> = HostCell::at(0);
/// const SPEED: HostCell<f32> = HostCell::at(4);
/// // SCORE.update(|s| s + 1); SPEED.set(2.5); let speed = SPEED.get();
/// # let _ = (SCORE, SPEED);
/// ```
pub struct HostCell<T: HostValue> {
    offset: usize,
    _type: PhantomData<fn() -> T>,
}

impl<T: HostValue> Clone for HostCell<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: HostValue> Copy for HostCell<T> {}

impl<T: HostValue> HostCell<T> {
    /// The cell at byte `offset` (any alignment).
    pub const fn at(offset: usize) -> HostCell<T> {
        HostCell {
            offset,
            _type: PhantomData,
        }
    }

    /// Its byte offset.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    fn range(&self, len: usize) -> std::ops::Range<usize> {
        let end = self.offset.checked_add(T::SIZE).filter(|&end| end <= len);
        match end {
            Some(end) => self.offset..end,
            None => panic!(
                "hotloop: HostCell at offset {} ({} bytes) is outside the host memory ({len} bytes)",
                self.offset,
                T::SIZE
            ),
        }
    }

    /// Reads the value (zero until something stores one).
    pub fn get(&self) -> T {
        with_host_memory(|bytes| T::load(&bytes[self.range(bytes.len())]))
    }

    /// Stores `value`.
    pub fn set(&self, value: T) {
        with_host_memory(|bytes| {
            let range = self.range(bytes.len());
            value.store(&mut bytes[range]);
        })
    }

    /// Replaces the value with `f(value)` and returns the new value.
    pub fn update(&self, f: impl FnOnce(T) -> T) -> T {
        let value = f(self.get());
        self.set(value);
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip_and_check_bounds() {
        let _serial = crate::tests::serial();
        let mut block = vec![0u8; 64];
        set_host_memory(block.as_mut_ptr(), block.len());
        const A: HostCell<u32> = HostCell::at(1);
        const B: HostCell<f64> = HostCell::at(56);
        assert_eq!(A.get(), 0);
        A.set(7);
        assert_eq!(A.update(|v| v * 6), 42);
        B.set(-2.5);
        assert_eq!(B.get(), -2.5);
        let out_of_range = std::panic::catch_unwind(|| HostCell::<u16>::at(63).get());
        let nested = std::panic::catch_unwind(|| with_host_memory(|_| with_host_memory(|_| ())));
        set_host_memory(std::ptr::null_mut(), 0);
        assert!(out_of_range.is_err() && nested.is_err());
        assert_eq!(&block[1..5], &42u32.to_ne_bytes());
        assert_eq!(with_host_memory(|b| b.len()), 0);
    }
}
