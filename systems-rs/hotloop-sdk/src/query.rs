//! Queries: `Query<D, F>` hands a system the entities the host matched, as typed rows.
//!
//! Why this shape: the host (bitecs) already knows which entities match; it passes their ids
//! and one pointer per column. A query only *views* those columns: `Read<C>` copies a row's
//! values out, `Write<C>` lends `&mut` fields, tied to a `&mut` borrow of the query.
//!
//! Aliasing is refused at compile time where the types say enough: a component named twice in
//! one query, and a component one query parameter writes while another parameter of the same
//! system can reach the same entity's row ([`check_params`]). Two queries cannot reach one
//! entity when one requires a component (`Read`, `Write`, `With`) the other excludes
//! (`Without`), as in Bevy.

use crate::boundary;
use crate::component::Component;
use crate::ctx::{Col, Idx, Slots};
use crate::manifest::{Access, ComponentInfo, ParamInfo};
use crate::system::{sealed, SystemParam};
use std::cell::OnceCell;
use std::marker::PhantomData;

/// Reads component `C`: rows yield [`Value<C>`](crate::Value) (fields copied out).
pub struct Read<C>(PhantomData<fn() -> C>);

/// Writes component `C`: rows yield [`Mut<'_, C>`](crate::Mut) (fields as `&mut`).
pub struct Write<C>(PhantomData<fn() -> C>);

/// The entity id of each row (a `u32`, as in bitecs); takes no ctx slot.
pub struct Entity;

/// Filter: only entities that have component `C` (typically a tag). Takes no ctx slot.
pub struct With<C>(PhantomData<fn() -> C>);

/// Filter: only entities that do not have component `C`. Takes no ctx slot.
pub struct Without<C>(PhantomData<fn() -> C>);

/// What a query fetches per entity: `Read<C>`, `Write<C>`, `Option<Read<C>>`,
/// `Option<Write<C>>`, `Entity`, or a tuple of up to six of them (`()` fetches nothing, for
/// queries that only want [`Query::ids`]).
///
/// `Option<Read<C>>` does not narrow the query: every entity the rest matches is a row, and the
/// item is `None` for those without `C` (Bevy's `Option<&C>`; `Option<Read<Tag>>` says whether
/// an entity has the tag).
///
/// Why a trait: it maps the query's type to its manifest entry, its column slots and the item
/// types; all its items except the two item types are SDK plumbing.
pub trait QueryData: 'static {
    /// What [`Query::iter_mut`] yields per entity.
    type Item<'a>;
    /// What [`Query::iter`] yields per entity (values only, even for `Write<C>`).
    type ReadItem;
    #[doc(hidden)]
    type Columns: Copy;
    #[doc(hidden)]
    const CHECK: () = ();
    #[doc(hidden)]
    const TERMS: Terms;
    #[doc(hidden)]
    fn describe(out: &mut Vec<(ComponentInfo, Access)>);
    #[doc(hidden)]
    fn columns(slots: &mut Slots, capacity: usize) -> Self::Columns;
    #[doc(hidden)]
    fn item<'a>(columns: Self::Columns, idx: Idx) -> Self::Item<'a>;
    #[doc(hidden)]
    fn read_item(columns: Self::Columns, idx: Idx) -> Self::ReadItem;
}

/// A single query term (`Read<C>`, `Write<C>` or `Entity`): what a query tuple is made of.
///
/// Why: tuples are flat, so the SDK can check at compile time that no component is named twice.
pub trait QueryTerm: QueryData {
    #[doc(hidden)]
    const COMPONENT: Option<&'static str>;
}

impl<C: Component> QueryData for Read<C> {
    type Item<'a> = C::Value;
    type ReadItem = C::Value;
    type Columns = C::Columns;
    const TERMS: Terms = Terms::one(Term::of::<C>(Term::READ | Term::REQUIRED));
    fn describe(out: &mut Vec<(ComponentInfo, Access)>) {
        out.push((ComponentInfo::of::<C>(), Access::Read));
    }
    #[inline(always)]
    fn columns(slots: &mut Slots, capacity: usize) -> Self::Columns {
        C::columns(slots, capacity)
    }
    #[inline(always)]
    fn item<'a>(columns: Self::Columns, idx: Idx) -> Self::Item<'a> {
        C::value(columns, idx)
    }
    #[inline(always)]
    fn read_item(columns: Self::Columns, idx: Idx) -> Self::ReadItem {
        C::value(columns, idx)
    }
}

impl<C: Component> QueryTerm for Read<C> {
    const COMPONENT: Option<&'static str> = Some(C::NAME);
}

impl<C: Component> QueryData for Write<C> {
    type Item<'a> = C::Mut<'a>;
    type ReadItem = C::Value;
    type Columns = C::Columns;
    const TERMS: Terms = Terms::one(Term::of::<C>(Term::WRITE | Term::REQUIRED));
    fn describe(out: &mut Vec<(ComponentInfo, Access)>) {
        out.push((ComponentInfo::of::<C>(), Access::Write));
    }
    #[inline(always)]
    fn columns(slots: &mut Slots, capacity: usize) -> Self::Columns {
        C::columns(slots, capacity)
    }
    #[inline(always)]
    fn item<'a>(columns: Self::Columns, idx: Idx) -> Self::Item<'a> {
        C::view(columns, idx)
    }
    #[inline(always)]
    fn read_item(columns: Self::Columns, idx: Idx) -> Self::ReadItem {
        C::value(columns, idx)
    }
}

impl<C: Component> QueryTerm for Write<C> {
    const COMPONENT: Option<&'static str> = Some(C::NAME);
}

impl QueryData for Entity {
    type Item<'a> = u32;
    type ReadItem = u32;
    type Columns = ();
    const TERMS: Terms = Terms::one(Term {
        name: "",
        flags: Term::ENTITY,
    });
    fn describe(_: &mut Vec<(ComponentInfo, Access)>) {}
    #[inline(always)]
    fn columns(_: &mut Slots, _: usize) {}
    #[inline(always)]
    fn item<'a>(_: (), idx: Idx) -> Self::Item<'a> {
        idx.id()
    }
    #[inline(always)]
    fn read_item(_: (), idx: Idx) -> u32 {
        idx.id()
    }
}

impl QueryTerm for Entity {
    const COMPONENT: Option<&'static str> = None;
}

impl QueryData for () {
    type Item<'a> = ();
    type ReadItem = ();
    type Columns = ();
    const TERMS: Terms = Terms::EMPTY;
    fn describe(_: &mut Vec<(ComponentInfo, Access)>) {}
    #[inline(always)]
    fn columns(_: &mut Slots, _: usize) {}
    #[inline(always)]
    fn item<'a>(_: (), _: Idx) -> Self::Item<'a> {}
    #[inline(always)]
    fn read_item(_: (), _: Idx) {}
}

/// The columns of an optional term (`Option<Read<C>>`, `Option<Write<C>>`): their own capacity
/// (the component's, which may be below the query's), one byte per entity id saying whether it
/// has `C`, then `C`'s columns (docs/abi.md, "The call context").
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct OptionalColumns<T: Copy> {
    capacity: usize,
    has: Col<u8>,
    columns: T,
}

impl<T: Copy> OptionalColumns<T> {
    /// Reads the term's slots: capacity, presence bytes, then its columns through `columns`.
    #[inline(always)]
    fn read(slots: &mut Slots, columns: impl FnOnce(&mut Slots, usize) -> T) -> Self {
        let capacity = usize::try_from(slots.next()).unwrap_or(usize::MAX);
        let has = slots.column::<u8>(capacity);
        OptionalColumns {
            capacity,
            has,
            columns: columns(slots, capacity),
        }
    }

    /// The index of `idx`'s entity in this term's own columns, when the entity has the component.
    #[inline(always)]
    fn row(self, idx: Idx) -> Option<Idx> {
        let own = Idx::within(idx.id(), self.capacity)?;
        (self.has.read(own) != 0).then_some(own)
    }
}

impl<C: Component> QueryData for Option<Read<C>> {
    type Item<'a> = Option<C::Value>;
    type ReadItem = Option<C::Value>;
    type Columns = OptionalColumns<C::Columns>;
    const TERMS: Terms = Terms::one(Term::of::<C>(Term::READ));
    fn describe(out: &mut Vec<(ComponentInfo, Access)>) {
        out.push((ComponentInfo::of::<C>(), Access::OptionalRead));
    }
    #[inline(always)]
    fn columns(slots: &mut Slots, _: usize) -> Self::Columns {
        OptionalColumns::read(slots, C::columns)
    }
    #[inline(always)]
    fn item<'a>(columns: Self::Columns, idx: Idx) -> Self::Item<'a> {
        columns.row(idx).map(|own| C::value(columns.columns, own))
    }
    #[inline(always)]
    fn read_item(columns: Self::Columns, idx: Idx) -> Self::ReadItem {
        columns.row(idx).map(|own| C::value(columns.columns, own))
    }
}

impl<C: Component> QueryTerm for Option<Read<C>> {
    const COMPONENT: Option<&'static str> = Some(C::NAME);
}

impl<C: Component> QueryData for Option<Write<C>> {
    type Item<'a> = Option<C::Mut<'a>>;
    type ReadItem = Option<C::Value>;
    type Columns = OptionalColumns<C::Columns>;
    const TERMS: Terms = Terms::one(Term::of::<C>(Term::WRITE));
    fn describe(out: &mut Vec<(ComponentInfo, Access)>) {
        out.push((ComponentInfo::of::<C>(), Access::OptionalWrite));
    }
    #[inline(always)]
    fn columns(slots: &mut Slots, _: usize) -> Self::Columns {
        OptionalColumns::read(slots, C::columns)
    }
    #[inline(always)]
    fn item<'a>(columns: Self::Columns, idx: Idx) -> Self::Item<'a> {
        // `own` indexes the component's own columns; a row is lent once per `&mut` borrow of the
        // query, as for `Write<C>`.
        columns.row(idx).map(|own| C::view(columns.columns, own))
    }
    #[inline(always)]
    fn read_item(columns: Self::Columns, idx: Idx) -> Self::ReadItem {
        columns.row(idx).map(|own| C::value(columns.columns, own))
    }
}

impl<C: Component> QueryTerm for Option<Write<C>> {
    const COMPONENT: Option<&'static str> = Some(C::NAME);
}

/// The most terms (data and filters together) one query may name: what the compile-time checks
/// hold. The host takes 64 components per query.
const MAX_TERMS: usize = 32;

/// One term of a query as the compile-time checks see it: a component's name and how the query
/// uses it.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Term {
    name: &'static str,
    flags: u8,
}

impl Term {
    /// Reads the component's columns (`Read<C>`, `Option<Read<C>>`).
    pub const READ: u8 = 1;
    /// Writes them (`Write<C>`, `Option<Write<C>>`).
    pub const WRITE: u8 = 2;
    /// Only entities that have the component match (`Read<C>`, `Write<C>`, `With<C>`).
    pub const REQUIRED: u8 = 4;
    /// Only entities without it match (`Without<C>`).
    pub const EXCLUDED: u8 = 8;
    /// The `Entity` term: no component.
    pub const ENTITY: u8 = 16;

    /// Component `C` used as `flags` say.
    pub const fn of<C: Component>(flags: u8) -> Term {
        Term {
            name: C::NAME,
            flags,
        }
    }

    const fn is(self, flags: u8) -> bool {
        self.flags & flags != 0
    }
}

/// The terms of one query (or of none, for the other parameters), in order: what
/// [`check_params`] compares at compile time, and where the manifest's `entity` positions come from.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Terms {
    items: [Term; MAX_TERMS],
    len: usize,
}

impl Terms {
    /// No terms: a parameter that touches no component.
    pub const EMPTY: Terms = Terms {
        items: [Term { name: "", flags: 0 }; MAX_TERMS],
        len: 0,
    };

    /// One term.
    pub const fn one(term: Term) -> Terms {
        let mut terms = Terms::EMPTY;
        terms.items[0] = term;
        terms.len = 1;
        terms
    }

    /// These terms, then `more`.
    pub const fn and(mut self, more: Terms) -> Terms {
        if self.len + more.len > MAX_TERMS {
            panic!("hotloop: a query names more than 32 components and filters");
        }
        let mut i = 0;
        while i < more.len {
            self.items[self.len] = more.items[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    const fn get(&self, i: usize) -> Term {
        self.items[i]
    }

    /// The positions of the `Entity` terms among a query's data terms (the manifest's `entity`).
    fn entity_positions(&self) -> Vec<usize> {
        (0..self.len)
            .filter(|&i| self.items[i].is(Term::ENTITY))
            .collect()
    }
}

/// Evaluated at compile time for every system (in `System::run`): no component written by one
/// query parameter is read or written by another parameter of the same system that can match the
/// same entity, since Rust would then hold two references to one row. Two queries cannot match
/// one entity when one requires a component (`Read`, `Write`, `With`) that the other excludes
/// (`Without`). Parameters that are not queries have no terms.
#[doc(hidden)]
pub const fn check_params(params: &[Terms]) {
    let mut i = 0;
    while i < params.len() {
        let mut j = i + 1;
        while j < params.len() {
            if let Some(name) = conflict(&params[i], &params[j]) {
                Message::new()
                    .push("hotloop: component `")
                    .push(name)
                    .push(
                        "` is written by one Query parameter of this system and read or written \
                         by another that can match the same entity: make them disjoint (With<T> \
                         in one, Without<T> in the other) or merge them into one query; see the \
                         system below",
                    )
                    .fail();
            }
            j += 1;
        }
        i += 1;
    }
}

/// The component two queries both touch, one writing it, when they can match one entity.
const fn conflict(a: &Terms, b: &Terms) -> Option<&'static str> {
    if apart(a, b) || apart(b, a) {
        return None;
    }
    let access = Term::READ | Term::WRITE;
    let mut i = 0;
    while i < a.len {
        let ta = a.get(i);
        let mut j = 0;
        while j < b.len {
            let tb = b.get(j);
            if ta.is(access)
                && tb.is(access)
                && (ta.is(Term::WRITE) || tb.is(Term::WRITE))
                && str_eq(ta.name, tb.name)
            {
                return Some(ta.name);
            }
            j += 1;
        }
        i += 1;
    }
    None
}

/// Whether `a` requires a component that `b` excludes: then no entity matches both.
const fn apart(a: &Terms, b: &Terms) -> bool {
    let mut i = 0;
    while i < a.len {
        let mut j = 0;
        while j < b.len {
            if a.get(i).is(Term::REQUIRED)
                && b.get(j).is(Term::EXCLUDED)
                && str_eq(a.get(i).name, b.get(j).name)
            {
                return true;
            }
            j += 1;
        }
        i += 1;
    }
    false
}

/// A panic message built at compile time: a const panic takes one `&str`, so the component's
/// name is copied in here first.
struct Message {
    buf: [u8; 512],
    len: usize,
}

impl Message {
    const fn new() -> Message {
        Message {
            buf: [0; 512],
            len: 0,
        }
    }

    const fn push(mut self, text: &str) -> Message {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() && self.len < self.buf.len() {
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    const fn fail(&self) -> ! {
        match std::str::from_utf8(self.buf.split_at(self.len).0) {
            Ok(text) => panic!("{}", text),
            Err(_) => panic!("hotloop: a query aliases a component; see the instantiation below"),
        }
    }
}

/// Const-time check that no component is named twice in one query.
const fn assert_distinct(names: &[Option<&str>]) {
    let mut i = 0;
    while i < names.len() {
        let mut j = i + 1;
        while j < names.len() {
            if let (Some(a), Some(b)) = (names[i], names[j]) {
                if str_eq(a, b) {
                    Message::new()
                        .push("hotloop: a query names component `")
                        .push(a)
                        .push(
                            "` twice (e.g. Write<Position> and Read<Position>, or Read<Position> \
                             and Option<Read<Position>>): one term per component; see the \
                             instantiation below",
                        )
                        .fail();
                }
            }
            j += 1;
        }
        i += 1;
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

macro_rules! tuple_data {
    ($($T:ident $i:tt),+) => {
        impl<$($T: QueryTerm),+> QueryData for ($($T,)+) {
            type Item<'a> = ($($T::Item<'a>,)+);
            type ReadItem = ($($T::ReadItem,)+);
            type Columns = ($($T::Columns,)+);
            const CHECK: () = assert_distinct(&[$($T::COMPONENT),+]);
            const TERMS: Terms = Terms::EMPTY$(.and($T::TERMS))+;
            fn describe(out: &mut Vec<(ComponentInfo, Access)>) {
                $($T::describe(out);)+
            }
            #[inline(always)]
            fn columns(slots: &mut Slots, capacity: usize) -> Self::Columns {
                // Tuple expressions evaluate left to right: slots are read in query order.
                ($($T::columns(slots, capacity),)+)
            }
            #[inline(always)]
            fn item<'a>(columns: Self::Columns, idx: Idx) -> Self::Item<'a> {
                ($($T::item(columns.$i, idx),)+)
            }
            #[inline(always)]
            fn read_item(columns: Self::Columns, idx: Idx) -> Self::ReadItem {
                ($($T::read_item(columns.$i, idx),)+)
            }
        }
    };
}
tuple_data!(A 0);
tuple_data!(A 0, B 1);
tuple_data!(A 0, B 1, C 2);
tuple_data!(A 0, B 1, C 2, D 3);
tuple_data!(A 0, B 1, C 2, D 3, E 4);
tuple_data!(A 0, B 1, C 2, D 3, E 4, F 5);

/// Which entities a query wants beyond its data: `()`, `With<T>`, `Without<T>`, or tuples of
/// up to six of them. Filters take no ctx slots; the host applies them.
pub trait QueryFilter: 'static {
    #[doc(hidden)]
    const TERMS: Terms;
    #[doc(hidden)]
    fn describe(with: &mut Vec<ComponentInfo>, without: &mut Vec<ComponentInfo>);
}

impl<C: Component> QueryFilter for With<C> {
    const TERMS: Terms = Terms::one(Term::of::<C>(Term::REQUIRED));
    fn describe(with: &mut Vec<ComponentInfo>, _: &mut Vec<ComponentInfo>) {
        with.push(ComponentInfo::of::<C>());
    }
}

impl<C: Component> QueryFilter for Without<C> {
    const TERMS: Terms = Terms::one(Term::of::<C>(Term::EXCLUDED));
    fn describe(_: &mut Vec<ComponentInfo>, without: &mut Vec<ComponentInfo>) {
        without.push(ComponentInfo::of::<C>());
    }
}

macro_rules! tuple_filter {
    ($($T:ident),*) => {
        impl<$($T: QueryFilter),*> QueryFilter for ($($T,)*) {
            const TERMS: Terms = Terms::EMPTY$(.and($T::TERMS))*;
            #[allow(unused_variables)]
            fn describe(with: &mut Vec<ComponentInfo>, without: &mut Vec<ComponentInfo>) {
                $($T::describe(with, without);)*
            }
        }
    };
}
tuple_filter!();
tuple_filter!(A);
tuple_filter!(A, B);
tuple_filter!(A, B, C);
tuple_filter!(A, B, C, D);
tuple_filter!(A, B, C, D, E);
tuple_filter!(A, B, C, D, E, F);

/// The entities matching `D` and `F`, as the host found them for this call.
///
/// ```
/// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// # hotloop_sdk::component!(Velocity, 0x856b7bc046b0cf09, { x: f32, y: f32 });
/// # hotloop_sdk::component!(Player, 0x394d4931d2fe7654, {});
/// use hotloop_sdk::prelude::*;
///
/// fn movement(mut q: Query<(Write<Position>, Read<Velocity>), With<Player>>, time: Res<Time>) {
///     let dt = time.delta_f32();
///     for (pos, vel) in q.iter_mut() {
///         *pos.x += vel.x * dt;
///         *pos.y += vel.y * dt;
///     }
/// }
///
/// fn report(q: Query<(Entity, Read<Position>)>) {
///     for (id, pos) in q.iter() {
///         let _ = (id, pos.x, pos.y); // u32, f32, f32
///     }
///     let _count = q.len();
///     let _ids: &[u32] = q.ids();
/// }
/// ```
///
/// Rows of other entities: [`Query::get`] / [`Query::get_mut`] by entity id (`None` when the
/// query did not match it), [`Query::contains`]; terms may be optional, `Option<Read<C>>` and
/// `Option<Write<C>>`, which yield `None` for the rows without `C`.
///
/// ## Two queries over one component
///
/// A system may write a component in one query and read it in another only when no entity can
/// match both: one of them requires a component (`Read`, `Write` or `With`) that the other
/// excludes with `Without`, as in Bevy. Anything else is refused when the system is compiled,
/// naming the component:
///
/// ```text
/// error[E0080]: evaluation panicked: hotloop: component `Position` is written by one Query
/// parameter of this system and read or written by another that can match the same entity: ...
/// ```
///
/// ```
/// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// # hotloop_sdk::component!(Player, 0x394d4931d2fe7654, {});
/// # hotloop_sdk::component!(Enemy, 0x22849892f89e1e17, {});
/// use hotloop_sdk::prelude::*;
///
/// fn flee(
///     mut enemies: Query<(Write<Position>, Read<Enemy>), Without<Player>>,
///     players: Query<Read<Position>, With<Player>>,
/// ) {
///     let Some(player) = players.single() else { return };
///     for (pos, _) in enemies.iter_mut() {
///         *pos.x += (*pos.x - player.x).signum();
///     }
/// }
/// # hotloop_sdk::export! { systems: [flee] }
/// # fn main() {}
/// ```
///
/// Two queries that could both match an enemy that is also a player:
///
/// ```compile_fail,E0080
/// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// # hotloop_sdk::component!(Player, 0x394d4931d2fe7654, {});
/// # hotloop_sdk::component!(Enemy, 0x22849892f89e1e17, {});
/// # use hotloop_sdk::prelude::*;
/// fn flee(
///     mut enemies: Query<Write<Position>, With<Enemy>>,
///     players: Query<Read<Position>, With<Player>>,
/// ) {}
/// # hotloop_sdk::export! { systems: [flee] }
/// # fn main() {}
/// ```
///
/// Two writers are refused the same way, and an optional term does not set queries apart (an
/// entity without `Player` matches `Option<Read<Player>>`):
///
/// ```compile_fail,E0080
/// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// # use hotloop_sdk::prelude::*;
/// fn twice(mut a: Query<Write<Position>>, mut b: Query<Write<Position>>) {}
/// # hotloop_sdk::export! { systems: [twice] }
/// # fn main() {}
/// ```
///
/// ```compile_fail,E0080
/// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// # hotloop_sdk::component!(Player, 0x394d4931d2fe7654, {});
/// # use hotloop_sdk::prelude::*;
/// fn maybe(
///     mut others: Query<Write<Position>, Without<Player>>,
///     all: Query<(Read<Position>, Option<Read<Player>>)>,
/// ) {}
/// # hotloop_sdk::export! { systems: [maybe] }
/// # fn main() {}
/// ```
///
/// ```compile_fail,E0080
/// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// # use hotloop_sdk::prelude::*;
/// fn hidden(mut a: Query<Option<Write<Position>>>, b: Query<Read<Position>>) {}
/// # hotloop_sdk::export! { systems: [hidden] }
/// # fn main() {}
/// ```
///
/// Within one query, a component is named once: two `Write`s of it, or a `Write` and an
/// `Option<Read<..>>` of it, do not compile either.
///
/// ```compile_fail,E0080
/// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// # use hotloop_sdk::prelude::*;
/// fn twice(mut q: Query<(Write<Position>, Write<Position>)>) {}
/// # hotloop_sdk::export! { systems: [twice] }
/// # fn main() {}
/// ```
///
/// ```compile_fail,E0080
/// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// # use hotloop_sdk::prelude::*;
/// fn twice(mut q: Query<(Write<Position>, Option<Read<Position>>)>) {}
/// # hotloop_sdk::export! { systems: [twice] }
/// # fn main() {}
/// ```
///
/// Why no lifetime parameter: systems stay plain `fn`s with short signatures. The query owns
/// raw pointers that are valid for one call and lends rows through `&self` / `&mut self`, so
/// rows cannot outlive it or alias each other; a query kept past its call is refused with a
/// panic when used.
pub struct Query<D: QueryData, F: QueryFilter = ()> {
    ids: *const u32,
    count: usize,
    capacity: usize,
    columns: D::Columns,
    epoch: u64,
    /// Built by the first [`Query::get`] (or `contains`) in a query too long to scan.
    lookup: OnceCell<Lookup>,
    _marker: PhantomData<fn() -> (D, F)>,
}

/// Queries of at most this many entities answer [`Query::contains`] by scanning their ids.
const SCAN_LOOKUP: usize = 32;

/// Which ids a query matched, for lookups in a long query: one bit per id up to the largest, or
/// the ids sorted when they are too sparse for that (more than 32 bytes of bits per id).
enum Lookup {
    Bits(Box<[u64]>),
    Sorted(Box<[u32]>),
}

impl Lookup {
    fn of(ids: &[u32]) -> Lookup {
        let largest = ids.iter().copied().max().unwrap_or(0) as usize;
        let words = largest / 64 + 1;
        if words <= ids.len() * 4 + 1024 {
            let mut bits = vec![0u64; words];
            for &id in ids {
                bits[id as usize / 64] |= 1 << (id % 64);
            }
            Lookup::Bits(bits.into_boxed_slice())
        } else {
            let mut sorted = ids.to_vec();
            sorted.sort_unstable();
            Lookup::Sorted(sorted.into_boxed_slice())
        }
    }

    fn contains(&self, id: u32) -> bool {
        match self {
            Lookup::Bits(bits) => bits
                .get(id as usize / 64)
                .is_some_and(|word| word >> (id % 64) & 1 != 0),
            Lookup::Sorted(ids) => ids.binary_search(&id).is_ok(),
        }
    }
}

impl<D: QueryData, F: QueryFilter> Query<D, F> {
    /// How many entities matched.
    #[track_caller]
    pub fn len(&self) -> usize {
        boundary::check_epoch(self.epoch);
        self.count
    }

    /// True when no entity matched.
    #[track_caller]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The matched entity ids, in iteration order.
    #[track_caller]
    pub fn ids(&self) -> &[u32] {
        boundary::check_epoch(self.epoch);
        if self.count == 0 {
            return &[];
        }
        // SAFETY: `fetch` checked `ids` is non-null and aligned when `count > 0`, and the host
        // guarantees `count` ids that stay valid for the call; the epoch check above proves we
        // are still in that call, and the slice borrows `self`.
        unsafe { std::slice::from_raw_parts(self.ids, self.count) }
    }

    /// Iterates the rows as values (`Write<C>` terms are copied out too).
    #[track_caller]
    pub fn iter(&self) -> QueryIter<'_, D> {
        QueryIter {
            ids: self.ids().iter(),
            capacity: self.capacity,
            columns: self.columns,
        }
    }

    /// Iterates the rows with `Write<C>` terms as `&mut` views.
    #[track_caller]
    pub fn iter_mut(&mut self) -> QueryIterMut<'_, D> {
        let (capacity, columns) = (self.capacity, self.columns);
        QueryIterMut {
            ids: self.ids().iter(),
            capacity,
            columns,
        }
    }

    /// Calls `f` with each row's `&mut` views, like `for row in q.iter_mut()`, but faster where
    /// ids are consecutive (entities spawned together usually are): runs of consecutive ids are
    /// walked as dense ranges with one bounds check per run, which lets the compiler vectorise
    /// the body. Prefer it for loops over many entities.
    ///
    /// ```
    /// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
    /// # hotloop_sdk::component!(Velocity, 0x856b7bc046b0cf09, { x: f32, y: f32 });
    /// use hotloop_sdk::prelude::*;
    ///
    /// fn movement(mut q: Query<(Write<Position>, Read<Velocity>)>, time: Res<Time>) {
    ///     let dt = time.delta_f32();
    ///     q.for_each_mut(|(pos, vel)| {
    ///         *pos.x += vel.x * dt;
    ///         *pos.y += vel.y * dt;
    ///     });
    /// }
    /// ```
    #[track_caller]
    pub fn for_each_mut(&mut self, mut f: impl FnMut(D::Item<'_>)) {
        let (capacity, columns) = (self.capacity, self.columns);
        for_each_run(self.ids(), capacity, |start| f(D::item(columns, start)));
    }

    /// Calls `f` with each row's values, like `for row in q.iter()`, walking runs of
    /// consecutive ids densely (see [`Query::for_each_mut`]).
    #[track_caller]
    pub fn for_each(&self, mut f: impl FnMut(D::ReadItem)) {
        let (capacity, columns) = (self.capacity, self.columns);
        for_each_run(self.ids(), capacity, |start| {
            f(D::read_item(columns, start))
        });
    }

    /// Whether `entity` is one of the matched entities.
    ///
    /// Cost: a scan of the ids in a query of up to 32 entities; in a longer one, the first call
    /// of the system's call indexes the ids (one pass), and every later call is one lookup.
    #[track_caller]
    pub fn contains(&self, entity: u32) -> bool {
        let ids = self.ids();
        if ids.len() <= SCAN_LOOKUP {
            return ids.contains(&entity);
        }
        self.lookup.get_or_init(|| Lookup::of(ids)).contains(entity)
    }

    /// The row of `entity` as values, or `None` when the query did not match it (it lacks a
    /// component, a filter leaves it out, or it is not alive). Bevy's `query.get(entity)`.
    ///
    /// ```
    /// # hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
    /// # hotloop_sdk::component!(Player, 0x394d4931d2fe7654, {});
    /// # hotloop_sdk::component!(Chase, 0xda8abcef67b12032, { target: u32 });
    /// use hotloop_sdk::prelude::*;
    ///
    /// // Each enemy steps toward the entity it chases, if that entity is a player. The two
    /// // queries can share no entity (Without<Player> / With<Player>), so one may write Position.
    /// fn chase(
    ///     mut enemies: Query<(Write<Position>, Read<Chase>), Without<Player>>,
    ///     players: Query<Read<Position>, With<Player>>,
    /// ) {
    ///     for (pos, chase) in enemies.iter_mut() {
    ///         if let Some(target) = players.get(chase.target) {
    ///             *pos.x += (target.x - *pos.x) * 0.5;
    ///             *pos.y += (target.y - *pos.y) * 0.5;
    ///         }
    ///     }
    /// }
    /// # hotloop_sdk::export! { systems: [chase] }
    /// # fn main() {}
    /// ```
    #[track_caller]
    pub fn get(&self, entity: u32) -> Option<D::ReadItem> {
        if !self.contains(entity) {
            return None;
        }
        Some(D::read_item(
            self.columns,
            Idx::check(entity, self.capacity),
        ))
    }

    /// The row of `entity` with `Write<C>` terms as `&mut` views, or `None` when the query did
    /// not match it. The row borrows the query, so one row is lent at a time.
    #[track_caller]
    pub fn get_mut(&mut self, entity: u32) -> Option<D::Item<'_>> {
        if !self.contains(entity) {
            return None;
        }
        Some(D::item(self.columns, Idx::check(entity, self.capacity)))
    }

    /// The only row, when exactly one entity matched (e.g. the player).
    #[track_caller]
    pub fn single(&self) -> Option<D::ReadItem> {
        let mut rows = self.iter();
        match (rows.next(), rows.len()) {
            (Some(row), 0) => Some(row),
            _ => None,
        }
    }

    /// The only row as `&mut` views, when exactly one entity matched.
    #[track_caller]
    pub fn single_mut(&mut self) -> Option<D::Item<'_>> {
        let mut rows = self.iter_mut();
        match (rows.next(), rows.len()) {
            (Some(row), 0) => Some(row),
            _ => None,
        }
    }
}

/// Ids compared at once while looking for the end of a run.
const RUN_CHUNK: usize = 16;

/// Splits `ids` into runs of consecutive ids, checks each run against `capacity` once, and calls
/// `row` for every index of the run in order (the same order as the ids).
#[inline(always)]
#[track_caller]
fn for_each_run(ids: &[u32], capacity: usize, mut row: impl FnMut(Idx)) {
    let mut i = 0;
    while i < ids.len() {
        let first = ids[i];
        let mut len = 1;
        // Whole chunks first, compared without early exit so the compiler vectorises the scan.
        while i + len + RUN_CHUNK <= ids.len() {
            let chunk = &ids[i + len..i + len + RUN_CHUNK];
            let base = first.wrapping_add(len as u32);
            let consecutive = chunk.iter().enumerate().fold(true, |all, (k, &id)| {
                all & (id == base.wrapping_add(k as u32))
            });
            if !consecutive {
                break;
            }
            len += RUN_CHUNK;
        }
        while i + len < ids.len() && ids[i + len] == first.wrapping_add(len as u32) {
            len += 1;
        }
        let start = Idx::check_run(first, len, capacity);
        for k in 0..len {
            row(start.offset(k));
        }
        i += len;
    }
}

impl<'q, D: QueryData, F: QueryFilter> IntoIterator for &'q Query<D, F> {
    type Item = D::ReadItem;
    type IntoIter = QueryIter<'q, D>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'q, D: QueryData, F: QueryFilter> IntoIterator for &'q mut Query<D, F> {
    type Item = D::Item<'q>;
    type IntoIter = QueryIterMut<'q, D>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<D: QueryData, F: QueryFilter> sealed::Sealed for Query<D, F> {}

impl<D: QueryData, F: QueryFilter> SystemParam for Query<D, F> {
    const FOOTPRINT: Terms = D::TERMS.and(F::TERMS);

    fn describe(out: &mut Vec<ParamInfo>) {
        let mut data = Vec::new();
        let (mut with, mut without) = (Vec::new(), Vec::new());
        D::describe(&mut data);
        F::describe(&mut with, &mut without);
        out.push(ParamInfo::Query {
            data,
            with,
            without,
            entity: D::TERMS.entity_positions(),
        });
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        // Evaluated at compile time for each system's query: rejects a component named twice.
        #[allow(clippy::let_unit_value)]
        let () = const { D::CHECK };
        let ids = slots.next_ptr::<u32>().cast_const();
        let count = usize::try_from(slots.next()).unwrap_or(usize::MAX);
        let capacity = usize::try_from(slots.next()).unwrap_or(usize::MAX);
        if count > 0 {
            assert!(!ids.is_null(), "hotloop: the host passed a null id list");
            assert!(
                ids.is_aligned(),
                "hotloop: the host passed a misaligned id list"
            );
            assert!(
                count <= isize::MAX as usize / 4,
                "hotloop: the host passed a bad count"
            );
        }
        let columns = D::columns(slots, capacity);
        Query {
            ids,
            count,
            capacity,
            columns,
            epoch: boundary::epoch(),
            lookup: OnceCell::new(),
            _marker: PhantomData,
        }
    }
}

/// The iterator of [`Query::iter`]: one `D::ReadItem` per matched entity.
pub struct QueryIter<'q, D: QueryData> {
    ids: std::slice::Iter<'q, u32>,
    capacity: usize,
    columns: D::Columns,
}

impl<D: QueryData> Iterator for QueryIter<'_, D> {
    type Item = D::ReadItem;

    #[inline(always)]
    #[track_caller]
    fn next(&mut self) -> Option<D::ReadItem> {
        let &id = self.ids.next()?;
        Some(D::read_item(self.columns, Idx::check(id, self.capacity)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ids.size_hint()
    }
}

impl<D: QueryData> ExactSizeIterator for QueryIter<'_, D> {}

/// The iterator of [`Query::iter_mut`]: one `D::Item<'q>` per matched entity.
pub struct QueryIterMut<'q, D: QueryData> {
    ids: std::slice::Iter<'q, u32>,
    capacity: usize,
    columns: D::Columns,
}

impl<'q, D: QueryData> Iterator for QueryIterMut<'q, D> {
    type Item = D::Item<'q>;

    #[inline(always)]
    #[track_caller]
    fn next(&mut self) -> Option<D::Item<'q>> {
        let &id = self.ids.next()?;
        Some(D::item(self.columns, Idx::check(id, self.capacity)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ids.size_hint()
    }
}

impl<D: QueryData> ExactSizeIterator for QueryIterMut<'_, D> {}

#[cfg(test)]
mod run_tests {
    use super::*;

    fn visit(ids: &[u32], capacity: usize) -> Vec<u32> {
        let mut seen = Vec::new();
        for_each_run(ids, capacity, |idx| seen.push(idx.id()));
        seen
    }

    #[test]
    fn runs_visit_every_id_in_order() {
        let mixed = [5, 6, 7, 2, 3, 9, 10, 11, 12, 40];
        assert_eq!(visit(&mixed, 64), mixed);
        let long: Vec<u32> = (100..180).chain([7, 8]).chain(200..233).collect();
        assert_eq!(visit(&long, 1024), long);
        assert!(visit(&[], 8).is_empty());
    }

    #[test]
    fn a_run_past_capacity_panics_instead_of_reading_out_of_bounds() {
        // The SDK's panic hook keeps the panic's text as the last error, which other tests read.
        let _serial = crate::tests::serial();
        let ids: Vec<u32> = (60..70).collect();
        let caught = std::panic::catch_unwind(|| visit(&ids, 64));
        assert!(caught.is_err());
    }
}

#[cfg(test)]
mod lookup_tests {
    use super::*;
    use crate::tests::serial;
    use std::sync::Mutex;

    crate::component!(Spot, 0x384c39d38271139c, { x: f32, y: f32 });
    crate::component!(Drift, 0x4a9b93419630b66b, { x: f32, y: f32 });

    fn addr<T>(ptr: *const T) -> u64 {
        ptr.expose_provenance() as u64
    }

    fn run<M>(system: impl crate::System<M>, ctx: &[u64]) {
        // SAFETY: each test lays `ctx` out for the system it runs (docs/abi.md, "The call
        // context"), with columns of the capacity it states.
        let status = unsafe { crate::__private::run_system(system, ctx.as_ptr()) };
        assert_eq!(status, 0, "the system panicked");
    }

    #[test]
    fn lookups_answer_for_short_long_and_sparse_id_lists() {
        let short = [3u32, 9, 1];
        assert!(short.iter().all(|&id| Lookup::of(&short).contains(id)));
        let long: Vec<u32> = (0..200).map(|i| i * 3 + 1).collect();
        let bits = Lookup::of(&long);
        assert!(matches!(bits, Lookup::Bits(_)));
        for id in 0..700 {
            assert_eq!(bits.contains(id), id % 3 == 1 && id < 600, "id {id}");
        }
        assert!(!bits.contains(u32::MAX));
        let sparse: Vec<u32> = (0..40).map(|i| i * 10_000_000).collect();
        let sorted = Lookup::of(&sparse);
        assert!(matches!(sorted, Lookup::Sorted(_)));
        assert!(sorted.contains(390_000_000) && !sorted.contains(390_000_001));
    }

    static OUT: Mutex<Vec<String>> = Mutex::new(Vec::new());

    #[test]
    fn get_returns_matched_rows_and_none_for_the_rest() {
        let _serial = serial();
        fn look(mut q: Query<(Entity, Write<Spot>)>) {
            let mut out = OUT.lock().unwrap();
            out.clear();
            for id in [1, 3, 2, 7, 8, 4_000_000_000] {
                out.push(format!("{id}:{:?}", q.get(id).map(|(e, s)| (e, s.x))));
            }
            if let Some((_, spot)) = q.get_mut(5) {
                *spot.x = -5.0;
            }
            out.push(format!("{} {}", q.contains(5), q.contains(6)));
        }
        let (mut xs, mut ys) = ((0..8).map(|i| i as f32).collect::<Vec<_>>(), vec![0f32; 8]);
        let ids = [1u32, 5, 3];
        let ctx = [
            addr(ids.as_ptr()),
            3,
            8,
            addr(xs.as_mut_ptr()),
            addr(ys.as_mut_ptr()),
        ];
        run(look, &ctx);
        assert_eq!(
            *OUT.lock().unwrap(),
            [
                "1:Some((1, 1.0))",
                "3:Some((3, 3.0))",
                "2:None",
                "7:None",
                "8:None",
                "4000000000:None",
                "true false"
            ]
        );
        assert_eq!(xs[5], -5.0);
        assert_eq!(
            xs[2], 2.0,
            "an entity the query did not match is not written"
        );
    }

    #[test]
    fn get_in_a_long_query_uses_the_index() {
        let _serial = serial();
        fn look(q: Query<Read<Spot>>) {
            let mut out = OUT.lock().unwrap();
            out.clear();
            let found: Vec<u32> = (0..300).filter(|&id| q.get(id).is_some()).collect();
            out.push(format!("{found:?}"));
            out.push(format!("{:?}", q.get(200).map(|s| s.x)));
        }
        let ids: Vec<u32> = (0..100).map(|i| 299 - i * 3).collect();
        let xs: Vec<f32> = (0..300).map(|i| i as f32 * 0.5).collect();
        let ys = vec![0f32; 300];
        let ctx = [
            addr(ids.as_ptr()),
            ids.len() as u64,
            300,
            addr(xs.as_ptr()),
            addr(ys.as_ptr()),
        ];
        run(look, &ctx);
        let mut expected: Vec<u32> = ids.clone();
        expected.sort_unstable();
        assert_eq!(
            *OUT.lock().unwrap(),
            [format!("{expected:?}"), "Some(100.0)".to_string()]
        );
    }

    #[test]
    fn optional_terms_are_none_where_the_entity_lacks_the_component_or_its_capacity_ends() {
        let _serial = serial();
        fn read(q: Query<(Entity, Option<Read<Drift>>)>) {
            let mut out = OUT.lock().unwrap();
            out.clear();
            out.extend(q.iter().map(|(id, d)| format!("{id}:{:?}", d.map(|d| d.x))));
            out.push(format!("{:?}", q.get(6)));
        }
        fn write(mut q: Query<(Read<Spot>, Option<Write<Drift>>)>) {
            q.for_each_mut(|(spot, drift)| {
                if let Some(drift) = drift {
                    *drift.x += spot.x;
                }
            });
        }
        // Entities 1, 2, 5 and 6 match; Drift's own columns hold 4 rows (entity 5 and 6 are
        // beyond them: None, without a read out of bounds), and entity 2 lacks it.
        let ids = [1u32, 2, 5, 6];
        let has = [0u8, 1, 0, 1];
        let (mut dx, dy) = (vec![10f32, 11.0, 12.0, 13.0], vec![0f32; 4]);
        let xs: Vec<f32> = (0..8).map(|i| i as f32 * 100.0).collect();
        let ys = [0f32; 8];
        let optional = [
            4,
            addr(has.as_ptr()),
            addr(dx.as_mut_ptr()),
            addr(dy.as_ptr()),
        ];
        let mut ctx = vec![addr(ids.as_ptr()), 4, u32::MAX as u64];
        ctx.extend(optional);
        run(read, &ctx);
        assert_eq!(
            *OUT.lock().unwrap(),
            [
                "1:Some(11.0)",
                "2:None",
                "5:None",
                "6:None",
                "Some((6, None))"
            ]
        );
        let mut ctx = vec![
            addr(ids.as_ptr()),
            4,
            8,
            addr(xs.as_ptr()),
            addr(ys.as_ptr()),
        ];
        ctx.extend(optional);
        run(write, &ctx);
        assert_eq!(
            dx,
            [10.0, 111.0, 12.0, 13.0],
            "only entity 1 has a Drift to write"
        );
    }
}
