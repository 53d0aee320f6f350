import type { FieldType } from "./field.ts";

/** One field of a component layout, in declaration order. */
export interface LayoutField {
  /** The field's name, as in the schema. */
  readonly name: string;
  /** Its type: `f32`, `u8`, … */
  readonly type: FieldType;
}

/**
 * What native code must agree on to read a component: its name and its fields in order.
 * `hash` is compared against the hash a hot library was compiled against (docs/abi.md).
 */
export interface Layout {
  /** The component's (or resource's, or event type's) name. */
  readonly name: string;
  /** Its fields in declaration order (none for a tag). */
  readonly fields: readonly LayoutField[];
  /** The canonical text, `Name{field:type,...}`, that the hash covers. */
  readonly text: string;
  /** 64-bit FNV-1a of `text`, 16 lowercase hex digits. */
  readonly hash: string;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** 64-bit FNV-1a over the UTF-8 bytes of `text`, as 16 hex digits; the Rust SDK uses the same rule. */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, "0");
}

/** Builds the layout of a component from its name and ordered fields. */
export function layoutOf(name: string, fields: readonly LayoutField[]): Layout {
  const text = `${name}{${fields.map((f) => `${f.name}:${f.type}`).join(",")}}`;
  return { name, fields, text, hash: fnv1a64(text) };
}
