//! Reading the call context: the host's `u64` slots, column pointers and checked indices.
//!
//! Why: this is the one place where host pointers become Rust values. Everything here is
//! `#[doc(hidden)]` plumbing used by the SDK and by code that `component!` generates; user code
//! never sees it. Soundness rests on three facts:
//!
//! - a [`Slots`] cursor can only be made with the `unsafe` [`Slots::new`], whose caller vouches
//!   for the ctx (the host's contract in docs/abi.md);
//! - a [`Col`] can only be made from a `Slots`, so safe code cannot forge one;
//! - an [`Idx`] can only be made by [`Idx::check`] (or [`Idx::within`]), which proves
//!   `id < capacity` of the query whose columns it indexes, and only the SDK's query iterators
//!   hold both; an optional term's columns have a capacity of their own, checked again.

use std::ptr;

/// A cursor over the host's ctx slots, read in parameter order.
#[doc(hidden)]
pub struct Slots {
    next: *const u64,
}

impl Slots {
    /// Starts reading the slots at `ctx` (null is fine for a system without parameters).
    ///
    /// # Safety
    /// `ctx` must be null or point at the slots the host laid out for exactly the system whose
    /// parameters will be fetched from this cursor (docs/abi.md, "The call context"), and every
    /// pointer in them must honour the host's guarantees for the duration of the call.
    #[inline]
    pub unsafe fn new(ctx: *const u64) -> Slots {
        assert!(
            ctx.is_aligned(),
            "hotloop: the ctx pointer is not 8-byte aligned"
        );
        Slots { next: ctx }
    }

    /// Reads the next slot.
    #[inline]
    pub(crate) fn next(&mut self) -> u64 {
        assert!(
            !self.next.is_null(),
            "hotloop: the host passed no ctx to a system with parameters"
        );
        #[cfg(test)]
        SLOTS_READ.set(SLOTS_READ.get() + 1);
        // SAFETY: `Slots::new`'s caller vouched that the ctx holds every slot the parameters
        // read, and parameters read exactly the slots the manifest declares for them.
        let value = unsafe { self.next.read() };
        self.next = self.next.wrapping_add(1);
        value
    }

    /// Reads the next slot as a pointer (keeping the provenance the host exposed).
    #[inline]
    pub(crate) fn next_ptr<T>(&mut self) -> *mut T {
        ptr::with_exposed_provenance_mut(self.next() as usize)
    }

    /// Reads the next slot as the address of a host block (a resource, a queue header, a
    /// `Local`): checked non-null and aligned, panicking with `what` otherwise.
    #[inline]
    #[track_caller]
    pub(crate) fn next_block<T>(&mut self, what: &str) -> *mut T {
        host_block(self.next_ptr(), what)
    }

    /// Reads the next slot as a column pointer of a query with `capacity` rows.
    #[inline]
    pub fn column<T: crate::FieldType>(&mut self, capacity: usize) -> Col<T> {
        let ptr = self.next_ptr::<T>();
        if capacity > 0 {
            assert!(!ptr.is_null(), "hotloop: the host passed a null column");
            assert!(
                ptr.is_aligned(),
                "hotloop: the host passed a misaligned column"
            );
        }
        Col { ptr }
    }
}

#[cfg(test)]
thread_local! {
    /// Slots read on this thread: the golden-slots test compares it with the host's layout.
    pub(crate) static SLOTS_READ: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Checks a host block's address: non-null and aligned for `T`, panicking with `what` otherwise.
#[inline]
#[track_caller]
pub(crate) fn host_block<T>(ptr: *mut T, what: &str) -> *mut T {
    assert!(
        !ptr.is_null() && ptr.is_aligned(),
        "hotloop: the host passed a bad {what}: null or misaligned"
    );
    ptr
}

/// The address of a host array of `len` elements, as a header holds it: checked non-null and
/// aligned for `T` when `len > 0`, panicking with `what` otherwise.
#[inline]
#[track_caller]
pub(crate) fn host_array<T>(address: u64, len: u32, what: &str) -> *mut T {
    let ptr = ptr::with_exposed_provenance_mut::<T>(address as usize);
    if len > 0 {
        host_block(ptr, what);
    }
    ptr
}

/// One host column (`capacity` values of a field's type) of one query, for one call.
#[doc(hidden)]
pub struct Col<T> {
    ptr: *mut T,
}

impl<T> Clone for Col<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Col<T> {}

impl<T: crate::FieldType> Col<T> {
    /// The value at `idx`.
    #[inline(always)]
    pub fn read(self, idx: Idx) -> T {
        // SAFETY: `idx` was checked against this column's query capacity (see `Idx::check`),
        // and the host guarantees `capacity` initialised values of `T` for the whole call.
        unsafe { self.ptr.add(idx.0).read() }
    }

    /// An exclusive reference to the value at `idx`.
    #[inline(always)]
    pub fn write<'a>(self, idx: Idx) -> &'a mut T {
        // SAFETY: in bounds as in `read`. Exclusive because the host guarantees distinct ids
        // within a query and no other parameter touching a written column; the SDK ties `'a`
        // to a `&mut` borrow of the query, so one element is never lent out twice.
        unsafe { &mut *self.ptr.add(idx.0) }
    }
}

/// A row index proven to be below its query's capacity.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Idx(usize);

impl Idx {
    /// Checks `id < capacity`, panicking otherwise (the panic is caught at the boundary).
    #[inline(always)]
    #[track_caller]
    pub(crate) fn check(id: u32, capacity: usize) -> Idx {
        let index = id as usize;
        if index >= capacity {
            out_of_range(id, capacity);
        }
        Idx(index)
    }

    /// `id` as an index when it is below `capacity`, else `None`: for lookups of an entity that
    /// may not be in the query (`Query::get`) and for an optional term's own columns.
    #[inline(always)]
    pub(crate) fn within(id: u32, capacity: usize) -> Option<Idx> {
        let index = id as usize;
        (index < capacity).then_some(Idx(index))
    }

    /// Checks that ids `first..first + len` are all below `capacity` with one comparison, and
    /// returns the index of `first`; [`Idx::offset`] then walks the run without further checks.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn check_run(first: u32, len: usize, capacity: usize) -> Idx {
        let end = first as usize + len;
        if end > capacity {
            out_of_range((end - 1) as u32, capacity);
        }
        Idx(first as usize)
    }

    /// The index `k` rows after this one, inside a run [`Idx::check_run`] checked.
    #[inline(always)]
    pub(crate) fn offset(self, k: usize) -> Idx {
        Idx(self.0 + k)
    }

    /// The entity id this index stands for.
    #[inline(always)]
    pub fn id(self) -> u32 {
        self.0 as u32
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn out_of_range(id: u32, capacity: usize) -> ! {
    panic!("hotloop: entity id {id} is out of range for a query over {capacity} rows")
}
