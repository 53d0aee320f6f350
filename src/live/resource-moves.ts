/**
 * Resources whose schema was edited (and event types whose layout was), moved at the frame boundary (src/ecs/migrate-resource.ts
 * plans and copies the fields): the plugin built again holds an instance of the new class; the
 * running value's data moves into it, it takes the running one's place in the app's resources,
 * and a rollback puts the running one back as it was.
 */
import type { App } from "../core/app.ts";
import { HOTLOOP_OWN, type ResourceKey } from "../core/resources.ts";
import { migrateResourceValue, planResourceMigration, type ResourceMigrationPlan, type SchemaResourceClass } from "../ecs/migrate-resource.ts";
import { shortLayout } from "../ecs/migrate.ts";
import type { EventQueue } from "../ecs/event.ts";
import type { HotEvent } from "../hot/report.ts";
import { relaidOut, type Recording } from "./recording.ts";

/** One resource to move at the boundary. */
export interface ResourceMove {
  readonly plan: ResourceMigrationPlan;
  readonly oldKey: ResourceKey<unknown>;
  readonly oldValue: object;
  /** The instance the plugin built again holds (its closures keep it). */
  readonly newValue: object;
}

/** A move done (a resource's value, or an event type's queue): undone by `revert` until the reload commits. */
export interface AppliedResourceMove {
  readonly ms: number;
  revert(): void;
  /** Its line: migrated, or reverted after `ms`. */
  event(status: "migrated" | "reverted", ms?: number): HotEvent;
}

/** The resources of `recording` inserted as an instance of a class whose layout differs from the running value's. */
export function plannedResourceMoves(app: App, recording: Recording): ResourceMove[] {
  const moves: ResourceMove[] = [];
  for (const item of recording.items) {
    if (item.kind !== "resource") continue;
    const running = app.resources.findByName(item.value.constructor.name);
    if (!running || typeof running.value !== "object" || running.value === null || !relaidOut(running.value, item.value)) continue;
    const plan = planResourceMigration(running.key as unknown as SchemaResourceClass, item.value.constructor as unknown as SchemaResourceClass);
    moves.push({ plan, oldKey: running.key, oldValue: running.value, newValue: item.value });
  }
  return moves;
}

/** Moves the running value's data into the new instance and puts it in its place. */
export function applyResourceMove(app: App, move: ResourceMove): AppliedResourceMove {
  const started = performance.now();
  const resources = app.resources;
  const origin = resources.insertedBy(move.oldKey) ?? HOTLOOP_OWN;
  migrateResourceValue(move.plan, move.oldValue, move.newValue);
  resources.remove(move.oldKey);
  resources.insert(move.newValue, origin);
  const ms = performance.now() - started;
  const { plan } = move;
  return {
    ms,
    revert() {
      resources.remove(move.newValue.constructor as ResourceKey<unknown>);
      resources.insert(move.oldValue, origin);
    },
    event: (status, took = ms) => ({
      type: "migration",
      status,
      resource: plan.name,
      from: shortLayout(status === "migrated" ? plan.from : plan.to),
      to: shortLayout(status === "migrated" ? plan.to : plan.from),
      ms: took,
    }),
  };
}

/**
 * An event type defined again with another layout: the queue the plugin built again holds takes
 * the running one's place (the events in flight are of the old layout: dropped, and counted in
 * the line), and a rollback puts the running one back.
 */
export function replaceEventQueue(app: App, queue: EventQueue): AppliedResourceMove {
  const started = performance.now();
  const events = app.events;
  const old = events.get(queue.type.name)!;
  const dropped = old.count;
  events.put(queue);
  const ms = performance.now() - started;
  const [before, after] = [old.type.struct.layout, queue.type.struct.layout];
  return {
    ms,
    revert: () => events.put(old),
    event: (status, took = ms) => ({
      type: "migration",
      status,
      event: queue.type.name,
      from: shortLayout(status === "migrated" ? before : after),
      to: shortLayout(status === "migrated" ? after : before),
      dropped: status === "migrated" ? dropped : 0,
      ms: took,
    }),
  };
}
