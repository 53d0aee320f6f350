//! `Local<T>`: a system's own data, kept by the host across frames and reloads.
//!
//! Why host memory: a reload replaces the library, and with it every static. The host keeps one
//! block per (system, parameter) and hands its address over on every call; the block survives
//! the swap as long as `T`'s layout (its text, size and alignment) is the one it was made for.
//! When `T` changes, the host gives a fresh block and prints one line saying so.

use crate::boundary;
use crate::ctx::Slots;
use crate::manifest::ParamInfo;
use crate::system::{sealed, SystemParam};
use std::ops::{Deref, DerefMut};

/// Plain data a [`Local`] can hold: `Copy` (no heap, no destructor: the bytes are the value),
/// with a layout text the host compares across reloads.
///
/// Implemented for the numbers and `bool`; declare your own structs with [`local!`](crate::local).
pub trait LocalData: Copy + Default + 'static {
    /// The layout text: the type's name for a primitive, `Name{field:type,...}` for a struct.
    const LAYOUT: &'static str;
}

macro_rules! local_primitives {
    ($($t:ident)*) => {$(
        impl LocalData for $t {
            const LAYOUT: &'static str = stringify!($t);
        }
    )*};
}
local_primitives!(f32 f64 i8 u8 i16 u16 i32 u32 i64 u64 bool);

/// Declares a struct a [`Local`] can hold:
///
/// ```
/// hotloop_sdk::local! {
///     /// When the ship may fire again, and how many shots it fired.
///     pub struct Gun { cooldown: f32, shots: u32 }
/// }
/// use hotloop_sdk::prelude::*;
///
/// fn fire(mut gun: Local<Gun>, time: Res<Time>) {
///     gun.cooldown -= time.delta_f32();
///     if gun.cooldown <= 0.0 {
///         gun.cooldown = 0.25;
///         gun.shots += 1;
///     }
/// }
/// # fn main() {}
/// ```
///
/// It derives `Clone, Copy, Debug, Default, PartialEq` and `#[repr(C)]`, makes every field
/// `pub`, and writes the layout text `Gun{cooldown:f32,shots:u32}`. Field types must be `Copy`
/// plain data (numbers, `bool`, arrays of them, other `local!` structs).
#[macro_export]
macro_rules! local {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[repr(C)]
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        $vis struct $name {
            $(
                #[doc = concat!("`", stringify!($field), "`")]
                pub $field: $ty,
            )*
        }
        impl $crate::LocalData for $name {
            const LAYOUT: &'static str = $crate::__local_layout!($name { $($field: $ty),* });
        }
    };
}

/// `Name{field:type,...}` for `local!`. Not a public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __local_layout {
    ($name:ident { }) => { concat!(stringify!($name), "{}") };
    ($name:ident { $first:ident : $fty:ty $(, $field:ident : $ty:ty)* }) => {
        concat!(
            stringify!($name), "{", stringify!($first), ":", stringify!($fty),
            $(",", stringify!($field), ":", stringify!($ty),)* "}"
        )
    };
}

/// The host block behind a `Local`: a word saying whether the value was initialised, then `T`.
#[repr(C)]
struct LocalBlock<T> {
    initialised: u64,
    value: T,
}

/// A system's own `T`, kept across frames and reloads (reset to `T::default()` when `T`'s layout
/// changes). Derefs to `T`.
///
/// `T` is at most 1 MiB: `T::default()` is built on the game thread's stack, where megabytes
/// would overflow it. The host refuses a system with a bigger `Local`, alone (its library's other
/// systems run): keep big state in a resource or a component.
pub struct Local<T: LocalData> {
    block: *mut LocalBlock<T>,
    epoch: u64,
}

impl<T: LocalData> Deref for Local<T> {
    type Target = T;

    #[inline]
    #[track_caller]
    fn deref(&self) -> &T {
        boundary::check_epoch(self.epoch);
        // SAFETY: `fetch` checked the block and initialised the value; the host gives this block
        // to this parameter of this system only, for the duration of the call (epoch-checked).
        unsafe { &(*self.block).value }
    }
}

impl<T: LocalData> DerefMut for Local<T> {
    #[inline]
    #[track_caller]
    fn deref_mut(&mut self) -> &mut T {
        boundary::check_epoch(self.epoch);
        // SAFETY: as in `deref`; `&mut self` keeps the Rust view unique.
        unsafe { &mut (*self.block).value }
    }
}

impl<T: LocalData> sealed::Sealed for Local<T> {}

impl<T: LocalData> SystemParam for Local<T> {
    fn describe(out: &mut Vec<ParamInfo>) {
        out.push(ParamInfo::Local {
            layout: T::LAYOUT,
            size: std::mem::size_of::<T>(),
            align: std::mem::align_of::<T>(),
        });
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        const {
            assert!(
                std::mem::align_of::<T>() <= 8,
                "hotloop: a Local's alignment must be at most 8"
            )
        };
        let block = slots.next_block::<LocalBlock<T>>("Local block");
        // SAFETY: the host passed a zeroed or previously initialised block of at least
        // `8 + size_of::<T>()` bytes, 8-aligned (docs/abi.md, "Local"), for this parameter only.
        // A zero flag means the bytes are not a `T` yet: write one before anyone reads it.
        unsafe {
            if (*block).initialised == 0 {
                std::ptr::addr_of_mut!((*block).value).write(T::default());
                (*block).initialised = 1;
            }
        }
        Local {
            block,
            epoch: boundary::epoch(),
        }
    }
}
