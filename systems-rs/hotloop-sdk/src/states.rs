//! States: the game's `enum` that the host keeps (`defineState` in TypeScript), read with
//! `Res<State<S>>`, changed with `ResMut<NextState<S>>`, systems placed on its transitions
//! (`OnEnter(GameState::Playing): [...]` in [`export!`](crate::export)) and gated on its value
//! (`.run_if(in_state(GameState::Playing))`).
//!
//! Why two resources with one `u32` each: the host owns the value (a Rust reload keeps it, and
//! TypeScript sees the same bytes), and only the host applies a change, at StateTransition, where
//! it runs OnExit and OnEnter. The one field is named by the variants
//! (`State<GameState>{Menu|Playing|GameOver:u32}`), so the layout hash covers them: an enum whose
//! variants differ from TypeScript's is refused at load, like a stale component (docs/abi.md).

use crate::component::Field;
use crate::ctx::Slots;
use crate::manifest::ParamInfo;
use crate::res::{Res, Resource, ResourceMut};
use crate::system::{sealed, System, SystemParam};
use std::marker::PhantomData;

/// A state type: an `enum` without data whose variants are TypeScript's, in order. Implemented by
/// [`state!`](crate::state); see there.
pub trait States: Copy + Eq + std::fmt::Debug + 'static {
    /// Its name, as `defineState("GameState", ...)` names it in TypeScript.
    const NAME: &'static str;
    /// The variants' names, in order.
    const VARIANTS: &'static [&'static str];
    /// The variants' names joined by `|`: the name of the carriers' one field.
    #[doc(hidden)]
    const FIELD: &'static str;
    /// `State<Name>`: the name of the resource holding the value.
    #[doc(hidden)]
    const STATE_RESOURCE: &'static str;
    /// `NextState<Name>`: the name of the resource holding a request.
    #[doc(hidden)]
    const NEXT_RESOURCE: &'static str;

    /// The variant at `index` (its discriminant), if there is one.
    fn from_index(index: u32) -> Option<Self>;

    /// This variant's index (its discriminant).
    fn index(self) -> u32;

    /// This variant's name.
    fn name(self) -> &'static str {
        Self::VARIANTS[self.index() as usize]
    }
}

/// The state's current value, as `Res<State<GameState>>` reads it: `state.get()`, or compare
/// `*state == GameState::Playing`. Read-only: ask for another value with [`NextState`].
///
/// ```
/// hotloop_sdk::state! { pub enum GameState { Menu, Playing, GameOver } }
/// use hotloop_sdk::prelude::*;
///
/// fn hud(state: Res<State<GameState>>) {
///     if *state == GameState::Playing { /* ... */ }
///     let _name = state.get().name(); // "Menu", "Playing", ...
/// }
/// # fn main() {}
/// ```
#[repr(C)]
pub struct State<S: States> {
    index: u32,
    state: PhantomData<S>,
}

impl<S: States> State<S> {
    /// The current value. Panics (caught at the boundary) if the host holds an index the enum
    /// lacks, which its load check rules out.
    #[track_caller]
    pub fn get(&self) -> S {
        match S::from_index(self.index) {
            Some(state) => state,
            None => panic!(
                "hotloop: state {} holds {}, which is none of its {} variants",
                S::NAME,
                self.index,
                S::VARIANTS.len()
            ),
        }
    }
}

impl<S: States> PartialEq<S> for State<S> {
    fn eq(&self, other: &S) -> bool {
        self.index == other.index()
    }
}

impl<S: States> std::fmt::Debug for State<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match S::from_index(self.index) {
            Some(state) => f.debug_tuple("State").field(&state).finish(),
            None => f.debug_tuple("State").field(&self.index).finish(),
        }
    }
}

impl<S: States> Resource for State<S> {
    const NAME: &'static str = S::STATE_RESOURCE;
    const LAYOUT_HASH: u64 = crate::layout_hash(S::STATE_RESOURCE, Self::FIELDS);
    const FIELDS: &'static [Field] = &[Field {
        name: S::FIELD,
        ty: "u32",
    }];
}

/// A request for another value, applied by the host at the next StateTransition (right after
/// PreUpdate): `next.set(GameState::GameOver)` in a system taking `ResMut<NextState<GameState>>`.
/// TypeScript's `app.nextState(...)` writes the same bytes; the last request before the
/// transition wins, and one for the current value changes nothing.
///
/// ```
/// hotloop_sdk::state! { pub enum GameState { Menu, Playing, GameOver } }
/// use hotloop_sdk::prelude::*;
///
/// fn lose(mut next: ResMut<NextState<GameState>>) {
///     next.set(GameState::GameOver);
///     assert_eq!(next.pending(), Some(GameState::GameOver));
/// }
/// # fn main() {}
/// ```
#[repr(C)]
pub struct NextState<S: States> {
    /// 0: none; else the requested index + 1.
    pending: u32,
    state: PhantomData<S>,
}

impl<S: States> NextState<S> {
    /// Asks for `state` at the next StateTransition.
    pub fn set(&mut self, state: S) {
        self.pending = state.index() + 1;
    }

    /// The value asked for, if any (a request of this frame, from Rust or TypeScript).
    pub fn pending(&self) -> Option<S> {
        self.pending.checked_sub(1).and_then(S::from_index)
    }

    /// Withdraws the request.
    pub fn reset(&mut self) {
        self.pending = 0;
    }
}

impl<S: States> std::fmt::Debug for NextState<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("NextState").field(&self.pending()).finish()
    }
}

impl<S: States> Resource for NextState<S> {
    const NAME: &'static str = S::NEXT_RESOURCE;
    const LAYOUT_HASH: u64 = crate::layout_hash(S::NEXT_RESOURCE, Self::FIELDS);
    const FIELDS: &'static [Field] = &[Field {
        name: S::FIELD,
        ty: "u32",
    }];
}

impl<S: States> ResourceMut for NextState<S> {}

/// A run condition for [`export!`](crate::export)'s `.run_if(...)`. Sealed: [`in_state`] makes one.
pub trait Condition: sealed::Sealed + Copy + 'static {
    /// What the condition reads: fetched before the system's own parameters.
    #[doc(hidden)]
    type Param: SystemParam;
    #[doc(hidden)]
    fn holds(&self, param: &Self::Param) -> bool;
}

/// The condition [`in_state`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InState<S: States>(pub S);

/// True while the state is `state` (Bevy's `in_state`): `enemy_ai.run_if(in_state(GameState::Playing))`
/// in [`export!`](crate::export). The system's call still crosses into the library; the check is
/// one `u32` compare, and the system's parameters are not fetched when it fails.
pub fn in_state<S: States>(state: S) -> InState<S> {
    InState(state)
}

impl<S: States> Condition for InState<S> {
    type Param = Res<State<S>>;

    fn holds(&self, state: &Res<State<S>>) -> bool {
        **state == self.0
    }
}

/// A system run only when its condition holds; what `export!`'s `.run_if(c)` makes. Its
/// manifest lists the condition's parameter (`Res<State<GameState>>`) before the system's own.
#[doc(hidden)]
pub struct RunIf<F, C> {
    system: F,
    condition: C,
}

impl<F, C> RunIf<F, C> {
    /// Gates `system` on `condition`.
    pub fn new(system: F, condition: C) -> RunIf<F, C> {
        RunIf { system, condition }
    }
}

/// The marker of [`RunIf`]'s [`System`] impl (the gated system's own marker inside).
#[doc(hidden)]
pub struct RunIfMarker<M>(PhantomData<M>);

impl<M, F: System<M>, C: Condition> System<RunIfMarker<M>> for RunIf<F, C> {
    const HAS_PARAMS: bool = true;

    fn describe(out: &mut Vec<ParamInfo>) {
        C::Param::describe(out);
        F::describe(out);
    }

    unsafe fn run(&self, slots: &mut Slots) {
        // SAFETY: the ctx starts with the condition's slots, then the system's (as `describe`
        // told the host); our caller positioned `slots` at its start.
        let param = unsafe { C::Param::fetch(slots) };
        if self.condition.holds(&param) {
            // SAFETY: `slots` now stands at the system's own slots.
            unsafe { self.system.run(slots) }
        }
    }
}

impl<S: States> sealed::Sealed for InState<S> {}

/// `OnEnter(GameState.Playing)`: the schedule name `export!`'s `OnEnter(GameState::Playing)` places in.
#[doc(hidden)]
pub fn on_enter<S: States>(state: S) -> String {
    format!("OnEnter({}.{})", S::NAME, state.name())
}

/// `OnExit(GameState.Playing)`.
#[doc(hidden)]
pub fn on_exit<S: States>(state: S) -> String {
    format!("OnExit({}.{})", S::NAME, state.name())
}

/// Declares a state type: the `enum` of a `defineState` in TypeScript, with the same variants in
/// the same order (the host checks them at load, through the layout hash of `State<Name>`).
///
/// ```
/// hotloop_sdk::state! {
///     /// Where the game is (src/components.ts: `defineState("GameState", ["Menu", "Playing", "GameOver"])`).
///     pub enum GameState { Menu, Playing, GameOver }
/// }
/// use hotloop_sdk::States;
/// assert_eq!(GameState::NAME, "GameState");
/// assert_eq!(GameState::Playing.index(), 1);
/// assert_eq!(GameState::from_index(2), Some(GameState::GameOver));
/// assert_eq!(GameState::GameOver.name(), "GameOver");
/// ```
///
/// It expands to a `#[repr(u32)]` enum deriving `Clone, Copy, Debug, PartialEq, Eq, Hash`,
/// implementing [`States`]. Variants carry no data and no explicit discriminant.
///
/// ```compile_fail
/// hotloop_sdk::state! { pub enum Level { One = 1, Two } }
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! state {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[repr(u32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $crate::States for $name {
            const NAME: &'static str = stringify!($name);
            const VARIANTS: &'static [&'static str] = &[$(stringify!($variant)),+];
            const FIELD: &'static str = $crate::__state_field!($($variant),+);
            const STATE_RESOURCE: &'static str = concat!("State<", stringify!($name), ">");
            const NEXT_RESOURCE: &'static str = concat!("NextState<", stringify!($name), ">");

            fn from_index(index: u32) -> ::core::option::Option<Self> {
                const ALL: &[$name] = &[$($name::$variant),+];
                ALL.get(index as usize).copied()
            }

            fn index(self) -> u32 {
                self as u32
            }
        }
    };
}

/// `A|B|C` from the variants `A, B, C`. Not a public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __state_field {
    ($first:ident $(, $rest:ident)*) => {
        concat!(stringify!($first) $(, "|", stringify!($rest))*)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fnv1a_64;

    crate::state! {
        /// A test state.
        pub enum GameState { Menu, Playing, GameOver }
    }

    #[test]
    fn carriers_are_named_and_hashed_by_the_variants() {
        assert_eq!(<State<GameState> as Resource>::NAME, "State<GameState>");
        assert_eq!(
            <NextState<GameState> as Resource>::NAME,
            "NextState<GameState>"
        );
        assert_eq!(
            <State<GameState> as Resource>::LAYOUT_HASH,
            fnv1a_64("State<GameState>{Menu|Playing|GameOver:u32}")
        );
        assert_eq!(
            <NextState<GameState> as Resource>::LAYOUT_HASH,
            fnv1a_64("NextState<GameState>{Menu|Playing|GameOver:u32}")
        );
        assert_eq!(std::mem::size_of::<State<GameState>>(), 4);
        assert_eq!(std::mem::size_of::<NextState<GameState>>(), 4);
    }

    #[test]
    fn values_requests_and_schedule_names() {
        let state = State::<GameState> {
            index: 1,
            state: PhantomData,
        };
        assert_eq!(state.get(), GameState::Playing);
        assert!(state == GameState::Playing);
        assert_eq!(format!("{state:?}"), "State(Playing)");
        let mut next = NextState::<GameState> {
            pending: 0,
            state: PhantomData,
        };
        assert_eq!(next.pending(), None);
        next.set(GameState::Menu);
        assert_eq!((next.pending, next.pending()), (1, Some(GameState::Menu)));
        next.reset();
        assert_eq!(next.pending(), None);
        assert_eq!(on_enter(GameState::Playing), "OnEnter(GameState.Playing)");
        assert_eq!(on_exit(GameState::GameOver), "OnExit(GameState.GameOver)");
    }

    #[test]
    fn a_gated_system_lists_the_state_first_and_runs_only_in_it() {
        use std::cell::Cell;
        thread_local!(static RAN: Cell<u32> = const { Cell::new(0) });
        fn counted(_time: Res<crate::Time>) {
            RAN.with(|r| r.set(r.get() + 1));
        }
        let gated = || RunIf::new(counted, in_state(GameState::Playing));
        fn describe<M, S: System<M>>(_: &S) -> Vec<ParamInfo> {
            let mut params = Vec::new();
            S::describe(&mut params);
            params
        }
        let params = describe(&gated());
        let names: Vec<_> = params
            .iter()
            .map(|p| match p {
                ParamInfo::Res { info, write } => (info.name, *write),
                _ => ("?", false),
            })
            .collect();
        assert_eq!(names, [("State<GameState>", false), ("Time", false)]);
        let time = crate::TimeData::default();
        for (index, runs) in [(0, 0), (1, 1), (2, 1)] {
            let state = State::<GameState> {
                index,
                state: PhantomData,
            };
            let ctx = [
                std::ptr::from_ref(&state).expose_provenance() as u64,
                std::ptr::from_ref(&time).expose_provenance() as u64,
            ];
            // SAFETY: the two slots point at a State<GameState> and a TimeData that outlive the call.
            assert_eq!(
                unsafe { crate::system::run_system(gated(), ctx.as_ptr()) },
                0
            );
            assert_eq!(RAN.with(Cell::get), runs);
        }
    }
}
