/**
 * Live component migration: a component defined again with other fields keeps its identity and
 * its entities, and its columns are rebuilt in the new layout in place. Kept fields are copied
 * (renamed ones from their old name, widened ones converted), new ones start at 0 or their
 * declared default, and a change that would lose data is refused unless the definition gives a
 * `migrate` function. The old columns are kept by the result until {@link AppliedMigration.commit},
 * so {@link AppliedMigration.revert} restores data and layout together.
 */
import { bumpStorageEpoch, ensureCapacity, allocateColumn, type Component, type ComponentOptions, type Schema } from "./component.ts";
import type { ColumnOf, FieldType } from "./field.ts";
import type { Layout } from "./layout.ts";

/** Where one field of the new layout gets its data. */
export type FieldStep =
  | { readonly field: string; readonly type: FieldType; readonly from: string; readonly fromType: FieldType }
  | { readonly field: string; readonly type: FieldType; readonly fill: number };

/** What migrating a component from its running layout to a new definition does. */
export interface MigrationPlan {
  /** The component the game holds (its identity stays). */
  readonly component: Component;
  /** The running layout. */
  readonly from: Layout;
  /** The new layout. */
  readonly to: Layout;
  /** One step per field of the new layout: where its data comes from (a kept or renamed field, a default, `migrate`). */
  readonly steps: readonly FieldStep[];
  /** Fields of the running layout that nothing in the new one takes data from. */
  readonly removed: readonly string[];
  /** Changes that lose data; a plan with any is refused unless `migrate` is given. */
  readonly losses: readonly string[];
  /** The new schema, as the edited definition gives it. */
  readonly schema: Schema;
  /** The edited definition's options (`defaults`, `renamed`, `migrate`). */
  readonly options: ComponentOptions;
}

/** Types whose every value the other type holds exactly (widening). */
const WIDER: Readonly<Record<FieldType, readonly FieldType[]>> = {
  i8: ["i16", "i32", "f32", "f64"],
  u8: ["u16", "i16", "u32", "i32", "f32", "f64"],
  i16: ["i32", "f32", "f64"],
  u16: ["u32", "i32", "f32", "f64"],
  i32: ["f64"],
  u32: ["f64"],
  f32: ["f64"],
  f64: [],
};

/** Whether every value of `from` converts to `to` exactly. */
export function widens(from: FieldType, to: FieldType): boolean {
  return from === to || WIDER[from].includes(to);
}

/** `Velocity{x,y}`, with types only where a reader needs them (both layouts are shown side by side). */
export function shortLayout(layout: Layout, withTypes = false): string {
  return `${layout.name}{${layout.fields.map((f) => (withTypes ? `${f.name}:${f.type}` : f.name)).join(",")}}`;
}

/**
 * Plans moving `live` (the running component) to the layout of `next` (a fresh definition of the
 * same name). Pure: nothing changes until {@link applyMigration}.
 */
export function planMigration(live: Component, next: Component): MigrationPlan {
  const { steps, removed, losses } = planFields(live.name, live.layout.fields, next.layout.fields, next.options.renamed ?? {}, next.options.defaults ?? {});
  return { component: live, from: live.layout, to: next.layout, steps, removed, losses, schema: next.schema, options: next.options };
}

/**
 * Where each field of a new layout gets its data from the running one (components and resources
 * alike): its own name or the name it was renamed from, widened when its type grew, else its
 * default. A rename applies while the running layout has the old name and not the new one; kept
 * in the definition after it ran, it no longer applies, and the field keeps its own data.
 */
export function planFields(
  name: string,
  liveFields: readonly { readonly name: string; readonly type: FieldType }[],
  nextFields: readonly { readonly name: string; readonly type: FieldType }[],
  renamed: Readonly<Record<string, string | undefined>>,
  defaults: Readonly<Record<string, number | undefined>>,
): { steps: FieldStep[]; removed: string[]; losses: string[] } {
  const liveTypes = new Map(liveFields.map((f) => [f.name, f.type]));
  const steps: FieldStep[] = [];
  const losses: string[] = [];
  const used = new Set<string>();
  for (const { name: field, type } of nextFields) {
    const oldName = renamed[field];
    const from = oldName !== undefined && liveTypes.has(oldName) && !liveTypes.has(field) ? oldName : field;
    const fromType = liveTypes.get(from);
    if (fromType === undefined) {
      steps.push({ field, type, fill: defaults[field] ?? 0 });
      continue;
    }
    used.add(from);
    if (!widens(fromType, type)) losses.push(`${name}.${from}: ${fromType} → ${type} loses data`);
    steps.push({ field, type, from, fromType });
  }
  const removed = liveFields.map((f) => f.name).filter((f) => !used.has(f));
  return { steps, removed, losses };
}

/** A migration done: its figures, and the old columns until it is committed. */
export interface AppliedMigration {
  /** The plan it carried out. */
  readonly plan: MigrationPlan;
  /** Entities that have the component. */
  readonly entities: number;
  /** How long it took, in milliseconds. */
  readonly ms: number;
  /** Puts the old layout and the old columns back (data as it was before the migration). */
  revert(): void;
  /** Drops the old columns: the migration can no longer be reverted. */
  commit(): void;
}

type ColumnRecord = Record<string, ColumnOf<FieldType>>;

/**
 * Rebuilds `plan.component`'s columns in the new layout, in place: the same object, new columns,
 * schema, field names and layout, and a bumped storage epoch (native callers re-take pointers).
 * `entities` are the ids that have the component (for `migrate` and the count).
 */
export function applyMigration(plan: MigrationPlan, entities: ArrayLike<number>): AppliedMigration {
  const started = performance.now();
  const applied = layoutHistory.get(plan.component) ?? [];
  layoutHistory.set(plan.component, applied);
  applied.push(plan);
  const component = plan.component;
  const record = component as unknown as Record<string, unknown>;
  const capacity = component.capacity;
  const old = {
    schema: component.schema,
    fieldNames: component.fieldNames,
    layout: component.layout,
    options: component.options,
    columns: Object.fromEntries(component.fieldNames.map((f) => [f, record[f]])) as ColumnRecord,
  };
  const columns: ColumnRecord = {};
  for (const step of plan.steps) {
    const column = allocateColumn(step.type, capacity);
    if ("from" in step) column.set(old.columns[step.from]! as never); // converts element-wise when the type widened
    else if (step.fill !== 0) column.fill(step.fill);
    columns[step.field] = column;
  }
  const migrate = plan.options.migrate;
  if (migrate) {
    for (let i = 0; i < entities.length; i++) {
      const eid = entities[i]!;
      const before: Record<string, number> = {};
      for (const f of old.fieldNames) before[f] = old.columns[f]![eid]!;
      const after = migrate(before);
      for (const f in after) if (columns[f] !== undefined) columns[f]![eid] = after[f]!;
    }
  }
  const install = (schema: Schema, fieldNames: readonly string[], layout: Layout, options: ComponentOptions, data: ColumnRecord): void => {
    for (const f of component.fieldNames) delete record[f];
    Object.assign(record, { schema, fieldNames, layout, options }, data);
    bumpStorageEpoch();
  };
  install(plan.schema, plan.steps.map((s) => s.field), plan.to, plan.options, columns);
  let kept: typeof old | undefined = old;
  return {
    plan,
    entities: entities.length,
    ms: performance.now() - started,
    revert() {
      if (!kept) throw new Error(`the migration of ${component.name} was committed: it cannot be reverted`);
      const grownTo = component.capacity;
      record.capacity = capacity;
      install(kept.schema, kept.fieldNames, kept.layout, kept.options, kept.columns);
      kept = undefined;
      const i = applied.lastIndexOf(plan);
      if (i >= 0) applied.splice(i, 1);
      if (grownTo > capacity) ensureCapacity(component, grownTo - 1); // ids spawned since fit the old columns too
    },
    commit() {
      kept = undefined;
    },
  };
}

/** The migrations applied to each component, oldest first (a reverted one taken out): how data saved in an older layout is brought to today's. */
const layoutHistory = new WeakMap<Component, MigrationPlan[]>();

/**
 * Columns saved in another layout of `component` (its hash `fromHash` and field names
 * `fromFields`, one column per field in that order), converted to its layout today: through the
 * migrations applied since, as applying them did (kept and renamed fields copied, widened ones
 * converted, new ones at their default, `migrate` run for each of `ids`); when no chain of applied
 * migrations leads there (a migration reverted since the columns were saved), field by field by
 * name, the others at their default. The saved columns are not changed.
 */
export function migrateSavedColumns(component: Component, fromHash: string, fromFields: readonly string[], columns: readonly ArrayLike<number>[], rows: number, ids: ArrayLike<number>): ColumnOf<FieldType>[] {
  if (fromHash === component.layout.hash) return columns.map((c) => c as ColumnOf<FieldType>);
  return viaHistory(component, fromHash, columns, rows, ids) ?? byName(component, fromFields, columns, rows);
}

/** Saved columns converted by field name: a field of today's layout the saved one had is copied, the others start at their default. */
function byName(component: Component, fromFields: readonly string[], columns: readonly ArrayLike<number>[], rows: number): ColumnOf<FieldType>[] {
  const defaults = (component.options.defaults ?? {}) as Readonly<Record<string, number | undefined>>;
  return component.layout.fields.map((field) => {
    const column = allocateColumn(field.type, Math.max(1, rows));
    const source = columns[fromFields.indexOf(field.name)];
    if (source) for (let i = 0; i < Math.min(rows, source.length); i++) column[i] = source[i]!;
    else if ((defaults[field.name] ?? 0) !== 0) column.fill(defaults[field.name]!);
    return column;
  });
}

function viaHistory(component: Component, fromHash: string, columns: readonly ArrayLike<number>[], rows: number, ids: ArrayLike<number>): ColumnOf<FieldType>[] | undefined {
  const plans = layoutHistory.get(component) ?? [];
  // The last time the component left that layout: a layout it came back to since holds what the later chain starts from.
  const start = plans.findLastIndex((p) => p.from.hash === fromHash);
  if (start < 0) return undefined;
  let names = plans[start]!.from.fields.map((f) => f.name);
  let data = columns;
  for (const plan of plans.slice(start)) {
    const byName = new Map(names.map((n, i) => [n, data[i]!]));
    const next = plan.steps.map((step) => {
      const column = allocateColumn(step.type, Math.max(1, rows));
      if ("from" in step) {
        const source = byName.get(step.from)!;
        for (let i = 0; i < Math.min(rows, source.length); i++) column[i] = source[i]!;
      } else if (step.fill !== 0) column.fill(step.fill);
      return column;
    });
    const migrate = plan.options.migrate;
    if (migrate) {
      const outIndex = new Map(plan.steps.map((s, i) => [s.field, i]));
      for (let k = 0; k < ids.length; k++) {
        const eid = ids[k]!;
        if (eid >= rows) continue;
        const before: Record<string, number> = {};
        for (const [n, c] of byName) before[n] = c[eid]!;
        const after = migrate(before);
        for (const f in after) {
          const i = outIndex.get(f);
          if (i !== undefined) next[i]![eid] = after[f]!;
        }
      }
    }
    names = plan.steps.map((s) => s.field);
    data = next;
    if (plan.to.hash === component.layout.hash) return next;
  }
  return undefined;
}
