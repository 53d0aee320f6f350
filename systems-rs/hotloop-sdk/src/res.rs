//! Resources: `Res<Time>` and `Res<Input>`, host data shared by every system.
//!
//! Why pointers: the host writes `TimeData` and `InputData` once per frame into its own
//! memory and passes their addresses; a system reads them without copying.

use crate::boundary;
use crate::ctx::Slots;
use crate::input::Input;
use crate::manifest::ParamInfo;
use crate::system::{sealed, SystemParam};
use std::ops::Deref;

/// A resource a system can ask for with [`Res`]: [`Time`] or [`Input`].
///
/// Why sealed: the host only provides the resources docs/abi.md names.
pub trait Resource: sealed::Sealed + 'static {
    /// The resource's name in the manifest (`"Time"`, `"Input"`).
    const NAME: &'static str;
}

/// Read access to a host resource for the duration of one system call; derefs to `T`.
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
        // resource valid and unchanged for the call, and the epoch check proves we are still
        // in the call the pointer was passed to. `T` is a `repr(transparent)` view of the
        // `repr(C)` data the host wrote.
        unsafe { &*self.ptr }
    }
}

impl<T: Resource> sealed::Sealed for Res<T> {}

impl<T: Resource> SystemParam for Res<T> {
    fn describe(out: &mut Vec<ParamInfo>) {
        out.push(ParamInfo::Res(T::NAME));
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        let ptr = slots.next_ptr::<T>().cast_const();
        assert!(
            !ptr.is_null(),
            "hotloop: the host passed a null resource pointer"
        );
        assert!(
            ptr.is_aligned(),
            "hotloop: the host passed a misaligned resource pointer"
        );
        Res {
            ptr,
            epoch: boundary::epoch(),
        }
    }
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

impl sealed::Sealed for Time {}
impl Resource for Time {
    const NAME: &'static str = "Time";
}

impl sealed::Sealed for Input {}
impl Resource for Input {
    const NAME: &'static str = "Input";
}
