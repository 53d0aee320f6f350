//! Events: `EventWriter<E>` and `EventReader<E>`, double-buffered per frame as in Bevy.
//!
//! Why host queues: TypeScript and Rust systems send and read the same events, and a reload must
//! not lose the ones in flight. Each event type has one host queue of `#[repr(C)]` records
//! (docs/abi.md, "Events"); the host drops, at the start of each frame, the events sent before
//! the previous frame began, so an event lives for the frame it was sent in and the next. Each
//! reader keeps a cursor (host memory too) and sees every event once.

use crate::boundary;
use crate::component::Field;
use crate::ctx::{host_array, host_block, Slots};
use crate::manifest::{ComponentInfo, ParamInfo};
use crate::system::{sealed, SystemParam};
use std::marker::PhantomData;

/// An event type: a `#[repr(C)]` struct declared with [`event!`](crate::event), generated from
/// `defineEvent` in TypeScript.
pub trait Event: Copy + 'static {
    /// The event's name, as in TypeScript.
    const NAME: &'static str;
    /// 64-bit FNV-1a of `Name{field:type,...}`.
    const LAYOUT_HASH: u64;
    /// The fields in declaration order.
    const FIELDS: &'static [Field];
}

/// Declares an event type: `event!(Name, 0xHASH, { field: type, ... });`, the line
/// `hotloop codegen` emits per `defineEvent`. Like [`resource!`](crate::resource): a `#[repr(C)]`
/// `Copy` struct with `pub` fields and a compile-time check of the hash.
///
/// ```
/// hotloop_sdk::event!(CoinCollected, 0xa2ea1384f55c8d86, { x: f32, y: f32 });
/// use hotloop_sdk::prelude::*;
///
/// fn announce(mut sent: EventWriter<CoinCollected>) {
///     sent.send(CoinCollected { x: 1.0, y: 2.0 });
/// }
/// fn listen(mut got: EventReader<CoinCollected>) {
///     for e in got.read() {
///         let _ = (e.x, e.y);
///     }
/// }
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! event {
    ($name:ident, $hash:expr, { $($field:ident : $ty:ident $(= $default:expr)?),* $(,)? }) => {
        $crate::__plain_struct!($name, $hash, "event", { $($field: $ty $(= $default)?),* });
        impl $crate::Event for $name {
            const NAME: &'static str = stringify!($name);
            const LAYOUT_HASH: u64 = $hash;
            const FIELDS: &'static [$crate::Field] = &[
                $($crate::Field { name: stringify!($field), ty: <$ty as $crate::FieldType>::NAME },)*
            ];
        }
        const _: () = assert!(
            $crate::layout_hash(stringify!($name), <$name as $crate::Event>::FIELDS) == $hash,
            concat!(
                "hotloop: the layout hash given for event `", stringify!($name),
                "` does not match its fields; regenerate it with `hotloop codegen`"
            )
        );
    };
}

/// One event type's host queue, exactly as docs/abi.md lays it out.
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventQueueData {
    /// `*mut u8`: `capacity` records of `record_size` bytes.
    pub records: u64,
    /// Records the queue holds.
    pub capacity: u32,
    /// Records held now (this frame's and the previous frame's).
    pub count: u32,
    /// The id of record 0; ids grow by one per event sent, forever.
    pub first_id: u64,
    /// `size_of::<E>()`, checked by the SDK.
    pub record_size: u32,
    /// Zero.
    pub reserved: u32,
}

/// One reader's host state: its queue and the id of the next event it has not seen.
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventReaderData {
    /// `*mut EventQueueData`.
    pub queue: u64,
    /// The next event id this reader has not read.
    pub cursor: u64,
}

const _: () = assert!(std::mem::size_of::<EventQueueData>() == 32);
const _: () = assert!(std::mem::size_of::<EventReaderData>() == 16);

fn info<E: Event>() -> ComponentInfo {
    ComponentInfo {
        name: E::NAME,
        hash: E::LAYOUT_HASH,
        fields: E::FIELDS,
    }
}

/// Checks a queue pointer from the host and that its records are `E`s.
fn checked_queue<E: Event>(queue: *mut EventQueueData) -> *mut EventQueueData {
    host_block(queue, "event queue");
    // SAFETY: the host passed the queue of `E` (docs/abi.md, "Events"), valid for the call.
    let q = unsafe { *queue };
    assert!(
        q.record_size as usize == std::mem::size_of::<E>(),
        "hotloop: the host's queue of {} has records of {} bytes, the library's {} has {}",
        E::NAME,
        q.record_size,
        E::NAME,
        std::mem::size_of::<E>()
    );
    host_array::<E>(q.records, q.capacity, "event buffer");
    queue
}

/// Sends events of type `E`: readers (Rust or TypeScript) see them this frame and the next.
pub struct EventWriter<E: Event> {
    queue: *mut EventQueueData,
    epoch: u64,
    marker: PhantomData<fn(E)>,
}

impl<E: Event> EventWriter<E> {
    /// Sends one event. A full queue panics with one line (caught at the boundary).
    #[track_caller]
    pub fn send(&mut self, event: E) {
        boundary::check_epoch(self.epoch);
        // SAFETY: `fetch` checked the queue and its record size; the host does not touch it
        // during the call and no other parameter of this system writes it.
        let q = unsafe { &mut *self.queue };
        if q.count >= q.capacity {
            queue_full(E::NAME, q.capacity);
        }
        let records = std::ptr::with_exposed_provenance_mut::<E>(q.records as usize);
        // SAFETY: `count < capacity` and the buffer holds `capacity` records of `E`'s size.
        unsafe { records.add(q.count as usize).write(event) };
        q.count += 1;
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn queue_full(name: &str, capacity: u32) -> ! {
    panic!("hotloop: the {name} event queue is full ({capacity} events over two frames): raise its capacity in defineEvent")
}

impl<E: Event> sealed::Sealed for EventWriter<E> {}

impl<E: Event> SystemParam for EventWriter<E> {
    fn describe(out: &mut Vec<ParamInfo>) {
        out.push(ParamInfo::EventWriter(info::<E>()));
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        EventWriter {
            queue: checked_queue::<E>(slots.next_ptr()),
            epoch: boundary::epoch(),
            marker: PhantomData,
        }
    }
}

/// Reads events of type `E`, each once: those sent since this reader last read (this frame's
/// and the previous frame's at most).
pub struct EventReader<E: Event> {
    reader: *mut EventReaderData,
    epoch: u64,
    marker: PhantomData<fn() -> E>,
}

impl<E: Event> EventReader<E> {
    /// The events this reader has not seen yet, oldest first; they count as read.
    #[track_caller]
    pub fn read(&mut self) -> impl ExactSizeIterator<Item = E> + '_ {
        boundary::check_epoch(self.epoch);
        // SAFETY: `fetch` checked the reader and its queue; the host owns both and does not
        // touch them during the call.
        let (reader, q) = unsafe {
            let reader = &mut *self.reader;
            let q = *std::ptr::with_exposed_provenance::<EventQueueData>(reader.queue as usize);
            (reader, q)
        };
        let start = reader.cursor.max(q.first_id) - q.first_id;
        let start = start.min(q.count as u64) as usize;
        reader.cursor = q.first_id + q.count as u64;
        let records = std::ptr::with_exposed_provenance::<E>(q.records as usize);
        // SAFETY: records `0..count` were written by senders (Rust or the host) as `E`s of the
        // checked size; the host does not change them during the call.
        let events = unsafe { std::slice::from_raw_parts(records, q.count as usize) };
        events[start..].iter().copied()
    }

    /// How many events this reader has not seen yet.
    pub fn len(&self) -> usize {
        boundary::check_epoch(self.epoch);
        // SAFETY: as in `read`.
        let (reader, q) = unsafe {
            let reader = *self.reader;
            (
                reader,
                *std::ptr::with_exposed_provenance::<EventQueueData>(reader.queue as usize),
            )
        };
        (q.first_id + q.count as u64).saturating_sub(reader.cursor.max(q.first_id)) as usize
    }

    /// Whether there is no unseen event.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<E: Event> sealed::Sealed for EventReader<E> {}

impl<E: Event> SystemParam for EventReader<E> {
    fn describe(out: &mut Vec<ParamInfo>) {
        out.push(ParamInfo::EventReader(info::<E>()));
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        let reader = slots.next_block::<EventReaderData>("event reader");
        // SAFETY: the host passed this parameter's reader state (docs/abi.md, "Events").
        let queue = unsafe { (*reader).queue };
        checked_queue::<E>(std::ptr::with_exposed_provenance_mut(queue as usize));
        EventReader {
            reader,
            epoch: boundary::epoch(),
            marker: PhantomData,
        }
    }
}
