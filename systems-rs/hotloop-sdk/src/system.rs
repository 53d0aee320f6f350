//! Systems: ordinary Rust functions whose parameters fetch themselves from the ctx.
//!
//! Why Bevy's trick: a user writes `fn movement(q: Query<..>, time: Res<Time>)` and nothing
//! else. [`System`] is implemented for every `Fn` of 0 to 8 [`SystemParam`]s, so the SDK can
//! both describe a system for the manifest (from its type alone) and call it with parameters
//! fetched from the host's slots, in parameter order.

use crate::boundary;
use crate::ctx::Slots;
use crate::manifest::ParamInfo;
use crate::query::{check_params, Terms};

pub(crate) mod sealed {
    /// Keeps the parameter vocabulary closed: the host only understands queries and resources.
    pub trait Sealed {}
}

/// A value a system can take as a parameter: [`Query`](crate::Query) or [`Res`](crate::Res).
///
/// Why sealed: every parameter must be something the manifest can describe and the host can
/// fill in; the set is fixed by docs/abi.md.
pub trait SystemParam: sealed::Sealed + Sized {
    /// The components this parameter reads, writes, requires and excludes, for the compile-time
    /// aliasing check across a system's parameters; none but a query's.
    #[doc(hidden)]
    const FOOTPRINT: Terms = Terms::EMPTY;
    #[doc(hidden)]
    fn describe(out: &mut Vec<ParamInfo>);
    #[doc(hidden)]
    /// # Safety
    /// `slots` must be positioned at this parameter's slots in a ctx that follows the manifest.
    unsafe fn fetch(slots: &mut Slots) -> Self;
}

/// A function usable as a hot system: `Fn(P1, ..., Pn)` with 0 to 8 [`SystemParam`]s.
///
/// Why the `Marker` parameter: it is the function's signature (`fn(P1, ..., Pn)`), which keeps
/// the impls for different arities apart; it is always inferred.
pub trait System<Marker>: 'static {
    #[doc(hidden)]
    const HAS_PARAMS: bool;
    #[doc(hidden)]
    fn describe(out: &mut Vec<ParamInfo>);
    #[doc(hidden)]
    /// # Safety
    /// `slots` must be at the start of a ctx the host laid out for this system's manifest.
    unsafe fn run(&self, slots: &mut Slots);
}

macro_rules! impl_system {
    ($($P:ident),*) => {
        impl<Func, $($P: SystemParam),*> System<fn($($P),*)> for Func
        where
            Func: Fn($($P),*) + 'static,
        {
            const HAS_PARAMS: bool = 0 $(+ { let _ = stringify!($P); 1 })* > 0;

            fn describe(_out: &mut Vec<ParamInfo>) {
                $($P::describe(_out);)*
            }

            #[allow(non_snake_case)]
            unsafe fn run(&self, _slots: &mut Slots) {
                // Evaluated at compile time for each exported system: no two parameters alias a
                // component's rows (see `check_params`).
                #[allow(clippy::let_unit_value)]
                let () = const { check_params(&[$($P::FOOTPRINT),*]) };
                // Sequential `let`s fetch the parameters in order, matching the slot layout.
                // SAFETY: our caller positioned `_slots` at this system's ctx (see `run`).
                $(let $P = unsafe { $P::fetch(_slots) };)*
                (self)($($P),*);
            }
        }
    };
}
impl_system!();
impl_system!(P1);
impl_system!(P1, P2);
impl_system!(P1, P2, P3);
impl_system!(P1, P2, P3, P4);
impl_system!(P1, P2, P3, P4, P5);
impl_system!(P1, P2, P3, P4, P5, P6);
impl_system!(P1, P2, P3, P4, P5, P6, P7);
impl_system!(P1, P2, P3, P4, P5, P6, P7, P8);

/// Runs `system` on `ctx` inside the boundary: 0 when it returned, 1 when it panicked (the text
/// is then in `hotloop_last_error`). This is what each `export!` trampoline calls.
///
/// # Safety
/// `ctx` must be null (for a system without parameters) or point at slots laid out for this
/// system as its manifest entry describes, honouring the host's guarantees in docs/abi.md.
#[doc(hidden)]
pub unsafe fn run_system<M, S: System<M>>(system: S, ctx: *const u64) -> i32 {
    boundary::system_call(S::HAS_PARAMS, || {
        // SAFETY: forwarded from our caller's contract.
        let mut slots = unsafe { Slots::new(ctx) };
        // SAFETY: `slots` starts at this system's ctx.
        unsafe { system.run(&mut slots) }
    })
}
