//! `Commands`: spawn, despawn, insert and remove, applied by the host right after the system.
//!
//! Why a queue: a system iterates host columns in place, so changing which entities exist (or
//! which components they have) mid-iteration would move rows under it. As in Bevy, commands are
//! recorded and the host applies them when the system returns: later systems of the frame see
//! them, the system itself never does. The queue is host memory (docs/abi.md, "Commands"): a
//! header and `u64` words.

use crate::boundary;
use crate::component::Component;
use crate::ctx::{host_array, Slots};
use crate::manifest::ParamInfo;
use crate::system::{sealed, SystemParam};

/// The command queue's header, exactly as docs/abi.md lays it out (the host owns it).
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommandQueueData {
    /// `*mut u64`: the words.
    pub words: u64,
    /// Words the buffer holds.
    pub capacity: u32,
    /// Words written so far in this call.
    pub len: u32,
    /// Entities spawned so far in this call (the next placeholder's index).
    pub spawned: u32,
    /// Zero.
    pub reserved: u32,
}

const _: () = assert!(std::mem::size_of::<CommandQueueData>() == 24);

/// The operations, in the low byte of a command's first word.
#[doc(hidden)]
pub mod op {
    /// Spawn: the entity field is the placeholder the SDK handed out.
    pub const SPAWN: u64 = 1;
    /// Insert a component: one word of layout hash, then the values (`f64` bits), if any.
    pub const INSERT: u64 = 2;
    /// Remove a component: one word of layout hash.
    pub const REMOVE: u64 = 3;
    /// Despawn.
    pub const DESPAWN: u64 = 4;
}

/// The bit that marks an entity id as a placeholder for an entity spawned in this call.
pub const SPAWNED_BIT: u32 = 0x8000_0000;

/// Records changes to the world, applied by the host right after the system returns.
///
/// ```
/// # mod components {
/// #     hotloop_sdk::component!(Coin, 0x804d7a949e78d804, { phase: f32 });
/// #     hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// #     hotloop_sdk::component!(Player, 0x394d4931d2fe7654, {});
/// # }
/// use components::{Coin, Player, Position};
/// use hotloop_sdk::prelude::*;
///
/// fn respawn(mut commands: Commands, coins: Query<(Entity, Read<Position>), With<Coin>>) {
///     for (id, pos) in coins.iter() {
///         if pos.x > 800.0 {
///             commands.despawn(id);
///             let coin = commands.spawn((Coin, Value::<Position> { x: 0.0, y: pos.y }));
///             commands.insert(coin, Value::<Coin> { phase: 1.5 });
///         }
///     }
/// }
/// # fn main() {}
/// ```
///
/// Ids returned by [`spawn`](Self::spawn) are placeholders (with [`SPAWNED_BIT`] set) that
/// later commands of the same call may use; the host maps them to the real ids. Commands apply
/// in the order written. The host checks the whole list before applying any of it: an unknown
/// component, a dead entity or a full queue drops the call's commands and reports one line
/// naming the system (a full queue panics at the command that did not fit).
pub struct Commands {
    queue: *mut CommandQueueData,
    epoch: u64,
}

/// Components (or tuples of up to 8 of them) that [`Commands::spawn`] and
/// [`Commands::insert`] add: a `Value::<C> { .. }` sets the fields, the marker `C` alone takes
/// the component's defaults.
pub trait Bundle {
    #[doc(hidden)]
    #[track_caller]
    fn insert_into(self, commands: &mut Commands, entity: u32);
}

macro_rules! impl_bundle {
    ($($B:ident),*) => {
        impl<$($B: Bundle),*> Bundle for ($($B,)*) {
            #[allow(non_snake_case, unused_variables)]
            #[track_caller]
            fn insert_into(self, commands: &mut Commands, entity: u32) {
                let ($($B,)*) = self;
                $($B.insert_into(commands, entity);)*
            }
        }
    };
}
impl_bundle!();
impl_bundle!(A);
impl_bundle!(A, B);
impl_bundle!(A, B, C);
impl_bundle!(A, B, C, D);
impl_bundle!(A, B, C, D, E);
impl_bundle!(A, B, C, D, E, F);
impl_bundle!(A, B, C, D, E, F, G);
impl_bundle!(A, B, C, D, E, F, G, H);

impl Commands {
    /// Spawns an entity with `bundle`; returns its id for further commands in this call.
    #[track_caller]
    pub fn spawn(&mut self, bundle: impl Bundle) -> u32 {
        let entity = self.spawn_empty();
        bundle.insert_into(self, entity);
        entity
    }

    /// Spawns an entity without components; returns its id for further commands in this call.
    #[track_caller]
    pub fn spawn_empty(&mut self) -> u32 {
        let queue = self.header();
        let index = queue.spawned;
        assert!(
            index < SPAWNED_BIT,
            "hotloop: too many spawns in one system call"
        );
        let entity = SPAWNED_BIT | index;
        self.push(&[word(op::SPAWN, 0, entity)]);
        self.header().spawned = index + 1;
        entity
    }

    /// Adds (or overwrites) the components of `bundle` on `entity`.
    #[track_caller]
    pub fn insert(&mut self, entity: u32, bundle: impl Bundle) {
        bundle.insert_into(self, entity);
    }

    /// Removes component `C` from `entity` (nothing if it does not have it).
    #[track_caller]
    pub fn remove<C: Component>(&mut self, entity: u32) {
        self.push(&[word(op::REMOVE, 0, entity), C::LAYOUT_HASH]);
    }

    /// Despawns `entity` (a dead entity is an error: the call's commands are dropped).
    #[track_caller]
    pub fn despawn(&mut self, entity: u32) {
        self.push(&[word(op::DESPAWN, 0, entity)]);
    }

    /// Records an insert of the component with layout `hash`. Used by `component!`'s bundles.
    #[doc(hidden)]
    #[track_caller]
    pub fn __insert(&mut self, entity: u32, hash: u64, values: &[f64]) {
        let n = values.len() as u64;
        self.reserve(2 + values.len());
        self.write(word(op::INSERT, n, entity));
        self.write(hash);
        for v in values {
            self.write(v.to_bits());
        }
    }

    fn header(&mut self) -> &mut CommandQueueData {
        boundary::check_epoch(self.epoch);
        // SAFETY: `fetch` checked the pointer; the host keeps the header valid and touches it
        // not at all during the call, and the epoch check proves the call is still running.
        unsafe { &mut *self.queue }
    }

    #[track_caller]
    fn push(&mut self, words: &[u64]) {
        self.reserve(words.len());
        for w in words {
            self.write(*w);
        }
    }

    /// Panics (caught at the boundary; the host drops the call's commands) when `n` more words
    /// do not fit.
    #[track_caller]
    fn reserve(&mut self, n: usize) {
        let q = *self.header();
        if q.len as usize + n > q.capacity as usize {
            queue_full(q.capacity);
        }
    }

    /// Writes one word; `reserve` checked it fits.
    #[inline]
    fn write(&mut self, value: u64) {
        let q = self.header();
        debug_assert!(q.len < q.capacity);
        let words = std::ptr::with_exposed_provenance_mut::<u64>(q.words as usize);
        // SAFETY: the host guarantees `words` points at `capacity` u64s for the call (checked
        // non-null and aligned in `fetch`), and `reserve` proved `len < capacity`.
        unsafe { words.add(q.len as usize).write(value) };
        q.len += 1;
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn queue_full(capacity: u32) -> ! {
    panic!(
        "hotloop: the command queue is full ({capacity} words): spawn less in one call, or raise HotPlugin's commandWords"
    )
}

/// A command's first word: the operation and value count in the low half, the entity above.
const fn word(op: u64, values: u64, entity: u32) -> u64 {
    op | (values << 8) | ((entity as u64) << 32)
}

impl sealed::Sealed for Commands {}

impl SystemParam for Commands {
    fn describe(out: &mut Vec<ParamInfo>) {
        out.push(ParamInfo::Commands);
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        let queue = slots.next_block::<CommandQueueData>("command queue");
        // SAFETY: the host passed its command queue header (docs/abi.md, "Commands").
        let q = unsafe { *queue };
        host_array::<u64>(q.words, q.capacity, "command buffer");
        Commands {
            queue,
            epoch: boundary::epoch(),
        }
    }
}
