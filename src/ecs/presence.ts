/**
 * Which entities have one component, as a byte per entity id in native memory: what an optional
 * query term of a hot system (`Option<Read<T>>`) reads beside T's columns. Kept here, beside the
 * world, since it hangs on bitecs' observers.
 */
import { $internal, observe, onAdd, onRemove } from "bitecs";
import { bumpStorageEpoch, type Component } from "./component.ts";
import { nativeBuffer } from "./native-buffer.ts";
import { defineQuery } from "./query.ts";
import type { World } from "./world.ts";

/**
 * Which entities have one component: a byte per entity id (1: has it) in native memory, what an
 * optional query term (`Option<Read<T>>`) reads beside T's columns. Why the host keeps it: bitecs
 * keeps component membership in JavaScript arrays a native call cannot read, and a list of the ids
 * with T would cost the SDK a pass over them every call. Filled from a query over T when first
 * asked for, then kept up to date by bitecs' add and remove observers of that query: a write of
 * one byte per change of T, none per call.
 */
export interface Presence {
  bytes: Uint8Array;
}

/**
 * One {@link Presence} per component and world, for the world's life: every call context (a
 * rebuilt one, another system's, the next library's) shares it, so reloads add no observers.
 */
const presenceByWorld = new WeakMap<World, Map<Component, Presence>>();

export function presenceOf(world: World, component: Component): Presence {
  let known = presenceByWorld.get(world);
  if (!known) presenceByWorld.set(world, (known = new Map()));
  const existing = known.get(component);
  if (existing) return existing;
  const presence: Presence = { bytes: new Uint8Array(nativeBuffer(Math.max(1, component.capacity))) };
  for (const eid of defineQuery(world, [component]).ids()) markPresence(presence, eid, 1);
  // bitecs hangs these on its query over [component] (the one defineQuery registered above). A
  // removal notifies when the entity is marked, before queries commit it: a byte of 0 then agrees
  // with the id lists the next call sees, which commit first.
  observe(world, onAdd(component), (eid: number) => markPresence(presence, eid, 1));
  observe(world, onRemove(component), (eid: number) => markPresence(presence, eid, 0));
  known.set(component, presence);
  return presence;
}

function markPresence(presence: Presence, eid: number, value: 0 | 1): void {
  if (eid >= presence.bytes.length) fitPresence(presence, eid + 1);
  presence.bytes[eid] = value;
}

/**
 * Grows the presence bytes to at least `length` (doubling, copied into a new native buffer) and
 * bumps the storage epoch, so every call context re-takes the pointer before its next call: the
 * old buffer is left to the garbage collector. Never during a call: bytes change only when
 * JavaScript adds or removes components, and a context only grows them in `refresh`.
 */
export function fitPresence(presence: Presence, length: number): void {
  if (length <= presence.bytes.length) return;
  let size = presence.bytes.length;
  while (size < length) size *= 2;
  const grown = new Uint8Array(nativeBuffer(size));
  grown.set(presence.bytes);
  presence.bytes = grown;
  bumpStorageEpoch();
}

/**
 * Sets every presence byte of `world` again from bitecs' membership (which entity has which
 * component), after something rewrote that membership wholesale without bitecs' observers: a
 * snapshot restored (src/ecs/snapshot.ts). Reads the component masks directly (a pass over one
 * array per component, no per-entity Set): committing the world's pending query removals here
 * would change the order later additions land in.
 */
export function presenceRefresh(world: World): void {
  const known = presenceByWorld.get(world);
  if (!known) return;
  const ctx = (world as unknown as Record<symbol, { entityMasks: number[][]; componentMap: Map<unknown, { generationId: number; bitflag: number }> }>)[$internal]!;
  for (const [component, presence] of known) {
    presence.bytes.fill(0);
    const data = ctx.componentMap.get(component);
    if (!data) continue;
    const mask = ctx.entityMasks[data.generationId] ?? [];
    const bit = data.bitflag;
    let last = mask.length - 1;
    while (last >= 0 && ((mask[last] ?? 0) & bit) === 0) last--;
    if (last >= presence.bytes.length) fitPresence(presence, last + 1);
    const bytes = presence.bytes;
    for (let eid = 0; eid <= last; eid++) if (((mask[eid] ?? 0) & bit) !== 0) bytes[eid] = 1;
  }
}
