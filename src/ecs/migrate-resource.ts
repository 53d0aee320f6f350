/**
 * Live migration of a resource with a schema (defineResource): a schema edited and saved gives a
 * new class with another C layout; the running value's fields move into an instance of the new
 * class (kept fields copied, renamed ones from their old name, widened ones converted, new ones
 * from their default), and a change that would lose data is refused unless `migrate` converts,
 * as for components (migrate.ts). The caller swaps the instances in the app's resources, and
 * back on a rollback: the old instance is left as it was.
 */
import type { FieldType } from "./field.ts";
import type { Layout } from "./layout.ts";
import { planFields, type FieldStep } from "./migrate.ts";
import type { NativeResourceClass, ResourceOptions } from "./resource.ts";

/** A resource class with a schema, as a migration sees it. */
export type SchemaResourceClass = NativeResourceClass & {
  readonly name: string;
  readonly options?: ResourceOptions<Readonly<Record<string, FieldType>>>;
};

/** What moving a running resource value to a new definition does. */
export interface ResourceMigrationPlan {
  readonly name: string;
  readonly from: Layout;
  readonly to: Layout;
  readonly steps: readonly FieldStep[];
  readonly removed: readonly string[];
  /** Changes that lose data; refused unless the new definition gives `migrate`. */
  readonly losses: readonly string[];
  readonly migrate: ((old: Readonly<Record<string, number>>) => Readonly<Record<string, number | undefined>>) | undefined;
}

/** Scalar fields of a struct layout (arrays and pointers are not a resource schema's). */
function scalarFields(cls: NativeResourceClass): { name: string; type: FieldType }[] {
  return cls.struct.fields.filter((f) => f.count === 1 && f.scalar !== "u64").map((f) => ({ name: f.name, type: f.scalar as FieldType }));
}

/** Plans moving a value of `live` (the running class) to `next` (the class defined again). Pure. */
export function planResourceMigration(live: SchemaResourceClass, next: SchemaResourceClass): ResourceMigrationPlan {
  const options = next.options ?? {};
  const { steps, removed, losses } = planFields(
    next.name,
    scalarFields(live),
    scalarFields(next),
    (options.renamed ?? {}) as Readonly<Record<string, string | undefined>>,
    (options.defaults ?? {}) as Readonly<Record<string, number | undefined>>,
  );
  return { name: next.name, from: live.struct.layout, to: next.struct.layout, steps, removed, losses, migrate: options.migrate as ResourceMigrationPlan["migrate"] };
}

/** Writes `plan`'s fields into `next` (an instance of the new class) from `old` (the running value). */
export function migrateResourceValue(plan: ResourceMigrationPlan, old: object, next: object): void {
  const from = old as Record<string, number>;
  const to = next as Record<string, number>;
  // A new field keeps what the new instance was built with (its default, or the value the
  // plugin's code gave it): only data the running value has moves.
  for (const step of plan.steps) if ("from" in step) to[step.field] = from[step.from]!;
  if (plan.migrate) {
    const before: Record<string, number> = {};
    for (const f of plan.from.fields) before[f.name] = from[f.name]!;
    const after = plan.migrate(before);
    for (const f of plan.to.fields) if (after[f.name] !== undefined) to[f.name] = after[f.name]!;
  }
}
