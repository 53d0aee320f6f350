//! Resources: `Res<T>` and `ResMut<T>`, host-owned structs shared by every system.
//!
//! Why pointers: a resource is one `#[repr(C)]` struct in host memory (TypeScript reads and
//! writes the same bytes through its view); a system gets its address and reads it in place.
//! [`Time`] and [`Input`] are two of them, read-only; the game's own come from
//! [`resource!`](crate::resource), generated from `defineResource` in TypeScript.

use crate::boundary;
use crate::component::Field;
use crate::ctx::Slots;
use crate::input::Input;
use crate::manifest::{ComponentInfo, ParamInfo};
use crate::system::{sealed, SystemParam};
use std::ops::{Deref, DerefMut};

/// A resource a system can ask for with [`Res`]: a `#[repr(C)]` struct the host owns.
///
/// Implemented by [`resource!`](crate::resource) for the game's resources, and by the SDK for
/// [`Time`] and [`Input`]. The host refuses a library whose resource layout differs from the
/// app's, exactly as for components.
pub trait Resource: Sized + 'static {
    /// The resource's name, as in TypeScript.
    const NAME: &'static str;
    /// 64-bit FNV-1a of the layout string `Name{field:type,...}` (see [`layout_hash`](crate::layout_hash)).
    const LAYOUT_HASH: u64;
    /// The fields in declaration order (`#[repr(C)]` order).
    const FIELDS: &'static [Field];
}

/// A resource systems may change through [`ResMut`]: the game's own, and
/// [`Camera2D`](crate::Camera2D). [`Time`] and [`Input`] are not: the host writes them.
pub trait ResourceMut: Resource {}

fn info<T: Resource>() -> ComponentInfo {
    ComponentInfo {
        name: T::NAME,
        hash: T::LAYOUT_HASH,
        fields: T::FIELDS,
    }
}

/// Read access to a resource for the duration of one system call; derefs to `T`.
///
/// ```
/// use hotloop_sdk::prelude::*;
///
/// fn tick(time: Res<Time>, input: Res<Input>) {
///     let dt = time.delta_f32();
///     if input.key_pressed(Key::SPACE) || input.mouse_down(MouseButton::LEFT) {
///         let (_mx, _my) = input.mouse_position();
///     }
///     let _dx = input.axis(Key::LEFT, Key::RIGHT) * dt;
/// }
/// ```
pub struct Res<T: Resource> {
    ptr: *const T,
    epoch: u64,
}

impl<T: Resource> Deref for Res<T> {
    type Target = T;

    #[inline]
    #[track_caller]
    fn deref(&self) -> &T {
        boundary::check_epoch(self.epoch);
        // SAFETY: `fetch` checked the pointer is non-null and aligned; the host keeps the
        // resource valid for the call and lets no other parameter of this system write it (the
        // manifest check refuses Res<T> with ResMut<T>), and the epoch check proves we are still
        // in the call the pointer was passed to. `T` is the `repr(C)` layout the host checked.
        unsafe { &*self.ptr }
    }
}

impl<T: Resource> sealed::Sealed for Res<T> {}

impl<T: Resource> SystemParam for Res<T> {
    fn describe(out: &mut Vec<ParamInfo>) {
        out.push(ParamInfo::Res {
            info: info::<T>(),
            write: false,
        });
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        Res {
            ptr: slots.next_block::<T>("resource").cast_const(),
            epoch: boundary::epoch(),
        }
    }
}

/// Write access to a game resource for the duration of one system call; derefs to `&mut T`.
///
/// ```
/// hotloop_sdk::resource!(Score, 0x339ec8149d71f8b2, { value: u32 });
/// use hotloop_sdk::prelude::*;
///
/// fn score_point(mut score: ResMut<Score>) {
///     score.value += 1;
/// }
/// # fn main() {}
/// ```
pub struct ResMut<T: ResourceMut> {
    ptr: *mut T,
    epoch: u64,
}

impl<T: ResourceMut> Deref for ResMut<T> {
    type Target = T;

    #[inline]
    #[track_caller]
    fn deref(&self) -> &T {
        boundary::check_epoch(self.epoch);
        // SAFETY: as for `Res`; the host hands this pointer to no other parameter of the call.
        unsafe { &*self.ptr }
    }
}

impl<T: ResourceMut> DerefMut for ResMut<T> {
    #[inline]
    #[track_caller]
    fn deref_mut(&mut self) -> &mut T {
        boundary::check_epoch(self.epoch);
        // SAFETY: as for `deref`; exclusive because the host guarantees no other parameter of
        // this system aliases the resource, and `&mut self` keeps this view unique in Rust.
        unsafe { &mut *self.ptr }
    }
}

impl<T: ResourceMut> sealed::Sealed for ResMut<T> {}

impl<T: ResourceMut> SystemParam for ResMut<T> {
    fn describe(out: &mut Vec<ParamInfo>) {
        out.push(ParamInfo::Res {
            info: info::<T>(),
            write: true,
        });
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        ResMut {
            ptr: slots.next_block::<T>("resource"),
            epoch: boundary::epoch(),
        }
    }
}

/// Declares a game resource: `resource!(Name, 0xHASH, { field: type, ... });`
///
/// The line `hotloop codegen` emits per `defineResource` in TypeScript. It expands to a
/// `#[repr(C)]` struct `Name` with `pub` fields (`Clone, Copy, Debug, Default, PartialEq`),
/// implementing [`Resource`] and [`ResourceMut`], and a compile-time check that the hash matches
/// the fields (a stale generated file fails to build). Field types: `f32 f64 i8 u8 i16 u16 i32 u32`.
///
/// ```
/// hotloop_sdk::resource!(Score, 0x339ec8149d71f8b2, { value: u32 });
/// use hotloop_sdk::Resource;
/// assert_eq!(Score::NAME, "Score");
/// assert_eq!(Score { value: 3 }.value, 3);
/// ```
#[macro_export]
macro_rules! resource {
    ($name:ident, $hash:expr, { $($field:ident : $ty:ident $(= $default:expr)?),* $(,)? }) => {
        $crate::__plain_struct!($name, $hash, "resource", { $($field: $ty $(= $default)?),* });
        impl $crate::Resource for $name {
            const NAME: &'static str = stringify!($name);
            const LAYOUT_HASH: u64 = $hash;
            const FIELDS: &'static [$crate::Field] = &[
                $($crate::Field { name: stringify!($field), ty: <$ty as $crate::FieldType>::NAME },)*
            ];
        }
        impl $crate::ResourceMut for $name {}
        const _: () = assert!(
            $crate::layout_hash(stringify!($name), <$name as $crate::Resource>::FIELDS) == $hash,
            concat!(
                "hotloop: the layout hash given for resource `", stringify!($name),
                "` does not match its fields; regenerate it with `hotloop codegen`"
            )
        );
    };
}

/// The struct `resource!` and `event!` declare. Not a public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __plain_struct {
    ($name:ident, $hash:expr, $kind:literal, { $($field:ident : $ty:ident $(= $default:expr)?),* }) => {
        #[doc = concat!("The `", stringify!($name), "` ", $kind, " (generated by `hotloop codegen`).")]
        #[repr(C)]
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $name {
            $(
                #[doc = concat!("`", stringify!($field), ": ", stringify!($ty), "`")]
                pub $field: $ty,
            )*
        }

        impl ::core::default::Default for $name {
            /// The declared defaults (as TypeScript's `defaults`), 0 for the fields without one.
            #[allow(clippy::unnecessary_cast)]
            fn default() -> Self {
                Self { $($field: $crate::__field_default!($ty $(, $default)?),)* }
            }
        }
    };
}

/// The time data the host writes each frame, exactly as docs/abi.md lays it out.
///
/// Why all `f64`: the host fills it through one `Float64Array`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TimeData {
    /// Seconds: the fixed step inside FixedUpdate, else the frame delta.
    pub delta: f64,
    /// Seconds since the first frame (the fixed clock inside FixedUpdate).
    pub elapsed: f64,
    /// Seconds, this frame's (clamped) delta.
    pub frame_delta: f64,
    /// Seconds, the fixed timestep.
    pub fixed_delta: f64,
    /// 0..1: accumulator / fixed step, for interpolation.
    pub overstep: f64,
    /// The frame count (an integer value).
    pub frame: f64,
}

const _: () = assert!(std::mem::size_of::<TimeData>() == 48);
const _: () = assert!(std::mem::offset_of!(TimeData, frame) == 40);

/// The clock, as seen by the running schedule (`Res<Time>`).
///
/// Why "delta" is context-dependent: like Bevy's `Time` inside `FixedUpdate`, a system reads
/// `delta()` and gets the step that applies to it.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Time(TimeData);

impl Time {
    /// Wraps raw time data (e.g. to test a helper that takes `&Time`).
    pub fn new(data: TimeData) -> Time {
        Time(data)
    }

    /// Seconds this step covers: the fixed step inside FixedUpdate, else the frame delta.
    #[inline]
    pub fn delta(&self) -> f64 {
        self.0.delta
    }

    /// [`delta`](Self::delta) as `f32`, for `f32` components.
    #[inline]
    pub fn delta_f32(&self) -> f32 {
        self.0.delta as f32
    }

    /// Seconds since the first frame (the fixed clock inside FixedUpdate).
    #[inline]
    pub fn elapsed(&self) -> f64 {
        self.0.elapsed
    }

    /// [`elapsed`](Self::elapsed) as `f32`.
    #[inline]
    pub fn elapsed_f32(&self) -> f32 {
        self.0.elapsed as f32
    }

    /// Seconds, this frame's delta (clamped against the spiral of death).
    #[inline]
    pub fn frame_delta(&self) -> f64 {
        self.0.frame_delta
    }

    /// Seconds, the fixed timestep.
    #[inline]
    pub fn fixed_delta(&self) -> f64 {
        self.0.fixed_delta
    }

    /// 0..1: how far the fixed clock is into its next step, for interpolation.
    #[inline]
    pub fn overstep(&self) -> f64 {
        self.0.overstep
    }

    /// The frame count.
    #[inline]
    pub fn frame(&self) -> u64 {
        self.0.frame as u64
    }

    /// The raw data the host wrote.
    #[inline]
    pub fn data(&self) -> &TimeData {
        &self.0
    }
}

impl Resource for Time {
    const NAME: &'static str = "Time";
    const LAYOUT_HASH: u64 = crate::layout_hash(Self::NAME, Self::FIELDS);
    const FIELDS: &'static [Field] = &[
        Field {
            name: "delta",
            ty: "f64",
        },
        Field {
            name: "elapsed",
            ty: "f64",
        },
        Field {
            name: "frame_delta",
            ty: "f64",
        },
        Field {
            name: "fixed_delta",
            ty: "f64",
        },
        Field {
            name: "overstep",
            ty: "f64",
        },
        Field {
            name: "frame",
            ty: "f64",
        },
    ];
}

impl Resource for Input {
    const NAME: &'static str = "Input";
    const LAYOUT_HASH: u64 = crate::layout_hash(Self::NAME, Self::FIELDS);
    const FIELDS: &'static [Field] = &[
        Field {
            name: "keys_down",
            ty: "u8[512]",
        },
        Field {
            name: "keys_pressed",
            ty: "u8[512]",
        },
        Field {
            name: "keys_released",
            ty: "u8[512]",
        },
        Field {
            name: "mouse_x",
            ty: "f32",
        },
        Field {
            name: "mouse_y",
            ty: "f32",
        },
        Field {
            name: "mouse_down",
            ty: "u8[8]",
        },
        Field {
            name: "mouse_pressed",
            ty: "u8[8]",
        },
        Field {
            name: "mouse_released",
            ty: "u8[8]",
        },
        // Four pads (MAX_GAMEPADS): 32 buttons (GAMEPAD_BUTTONS) and 8 axes (GAMEPAD_AXES) each.
        Field {
            name: "gamepad_connected",
            ty: "u8[4]",
        },
        Field {
            name: "gamepad_down",
            ty: "u8[128]",
        },
        Field {
            name: "gamepad_pressed",
            ty: "u8[128]",
        },
        Field {
            name: "gamepad_released",
            ty: "u8[128]",
        },
        Field {
            name: "gamepad_axes",
            ty: "f32[32]",
        },
    ];
}
