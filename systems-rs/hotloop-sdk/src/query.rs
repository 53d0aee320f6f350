//! Queries: `Query<D, F>` hands a system the entities the host matched, as typed rows.
//!
//! Why this shape: the host (bitecs) already knows which entities match; it passes their ids
//! and one pointer per column. A query only *views* those columns: `Read<C>` copies a row's
//! values out, `Write<C>` lends `&mut` fields, tied to a `&mut` borrow of the query.

use crate::boundary;
use crate::component::Component;
use crate::ctx::{Idx, Slots};
use crate::manifest::{Access, ComponentInfo, ParamInfo};
use crate::system::{sealed, SystemParam};
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

/// What a query fetches per entity: `Read<C>`, `Write<C>`, `Entity`, or a tuple of up to six
/// of them (`()` fetches nothing, for queries that only want [`Query::ids`]).
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
    fn describe(_: &mut Vec<(ComponentInfo, Access)>) {}
    #[inline(always)]
    fn columns(_: &mut Slots, _: usize) {}
    #[inline(always)]
    fn item<'a>(_: (), _: Idx) -> Self::Item<'a> {}
    #[inline(always)]
    fn read_item(_: (), _: Idx) {}
}

/// Const-time check that no component is named twice in one query.
const fn assert_distinct(names: &[Option<&str>]) {
    let mut i = 0;
    while i < names.len() {
        let mut j = i + 1;
        while j < names.len() {
            if let (Some(a), Some(b)) = (names[i], names[j]) {
                if str_eq(a, b) {
                    panic!(
                        "hotloop: a query names the same component twice \
                         (e.g. Write<Position> and Read<Position>); see the instantiation below"
                    );
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
    fn describe(with: &mut Vec<ComponentInfo>, without: &mut Vec<ComponentInfo>);
}

impl<C: Component> QueryFilter for With<C> {
    fn describe(with: &mut Vec<ComponentInfo>, _: &mut Vec<ComponentInfo>) {
        with.push(ComponentInfo::of::<C>());
    }
}

impl<C: Component> QueryFilter for Without<C> {
    fn describe(_: &mut Vec<ComponentInfo>, without: &mut Vec<ComponentInfo>) {
        without.push(ComponentInfo::of::<C>());
    }
}

macro_rules! tuple_filter {
    ($($T:ident),*) => {
        impl<$($T: QueryFilter),*> QueryFilter for ($($T,)*) {
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
    _marker: PhantomData<fn() -> (D, F)>,
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
    fn describe(out: &mut Vec<ParamInfo>) {
        let mut data = Vec::new();
        let (mut with, mut without) = (Vec::new(), Vec::new());
        D::describe(&mut data);
        F::describe(&mut with, &mut without);
        out.push(ParamInfo::Query {
            data,
            with,
            without,
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
        let ids: Vec<u32> = (60..70).collect();
        let caught = std::panic::catch_unwind(|| visit(&ids, 64));
        assert!(caught.is_err());
    }
}
