/**
 * What the inspector's page and the running game say to each other over one WebSocket. The page
 * asks for a view of the world and acknowledges each frame it has drawn; the game sends a frame
 * only once the last one was acknowledged, so a page that cannot keep up gets fewer frames, never
 * a queue. Edits are applied at the next frame boundary.
 */
import type { FieldType } from "../../ecs/field.ts";

/** A field's name and type, as the schema says. */
export interface FieldInfo {
  readonly name: string;
  readonly type: FieldType;
}

/** Sent once, when the page connects. */
export interface Hello {
  readonly type: "hello";
  readonly game: string;
  readonly components: readonly { readonly name: string; readonly fields: readonly FieldInfo[] }[];
}

/** One system as the page shows it. */
export interface SystemRow {
  readonly name: string;
  /** Time in ms this frame (summed over FixedUpdate's steps), the rolling average and max over the last 120 frames. */
  readonly ms: number;
  readonly avgMs: number;
  readonly maxMs: number;
  /** Where its code comes from: the game module that adds it (`src/gameplay.ts:82 (game v3)`), or the hot library's file and version (`libgame.so v4`). */
  readonly source: string;
  readonly hot: boolean;
  /** `running`, `kept on v3` (an older build's code), `disabled`, `probation`. */
  readonly status: string;
}

/** One entity with the values of its components. */
export interface EntityRow {
  readonly id: number;
  readonly components: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** One resource: its fields (numbers, strings, booleans); `types` when only some may be edited (a schema's writable fields; none for hotloop's read-only resources), absent when all may. */
export interface ResourceRow {
  readonly name: string;
  readonly fields: Readonly<Record<string, number | string | boolean>>;
  readonly types?: Readonly<Record<string, FieldType>>;
}

/** One line of the reload history, newest last. */
export interface HistoryEntry {
  readonly at: string;
  /** The event's type: build, reload, game, migration, system, panic, warning, info. */
  readonly kind: string;
  /** ok, failed, refused, …: what colours the row. */
  readonly status: string;
  /** The one line hotloop prints for it (a failed build: the compiler's lines after it). */
  readonly text: string;
  /** Its timing in ms, where it has one. */
  readonly ms?: number;
}

/** Sent after a frame, once the page acknowledged the previous one. */
export interface FrameUpdate {
  readonly type: "frame";
  readonly frame: number;
  /** This frame's time in ms (update() from start to end), and the last 240 for the graph. */
  readonly frameMs: number;
  readonly frameHistory: readonly number[];
  readonly schedules: readonly { readonly name: string; readonly systems: readonly SystemRow[] }[];
  readonly entities: { readonly total: number; readonly matched: number; readonly offset: number; readonly rows: readonly EntityRow[] };
  readonly resources: readonly ResourceRow[];
  /** History entries since the last frame sent (the whole history in the first). */
  readonly history: readonly HistoryEntry[];
  /** What became of the page's edits since the last frame sent: `set Position.x of 4 to 10`, or why not. */
  readonly notices: readonly string[];
}

export type ServerMessage = Hello | FrameUpdate;

/** Which entities the page shows: those with every `with` component and none of `without`, a page of them. */
export interface ViewRequest {
  readonly type: "view";
  readonly with: readonly string[];
  readonly without: readonly string[];
  readonly offset: number;
  readonly limit: number;
}

/** A value typed in the page: written at the next frame boundary. */
export type SetRequest =
  | { readonly type: "set"; readonly target: "entity"; readonly id: number; readonly component: string; readonly field: string; readonly value: unknown }
  | { readonly type: "set"; readonly target: "resource"; readonly name: string; readonly field: string; readonly value: unknown };

export type ClientMessage = ViewRequest | SetRequest | { readonly type: "ack" };
