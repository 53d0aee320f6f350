/**
 * raylib's own description of its API (`parser/output/raylib_api.json`, shipped in the pinned
 * `raylib-sys` crate the project builds raylib from), typed: what every generated table and
 * binding is made from (scripts/gen-raylib.ts, scripts/gen-keys.ts).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { raylibSourcesSync } from "../src/render/build-raylib.ts";

/** A `#define` of raylib.h (`type` is e.g. "COLOR", "INT", "FLOAT", "STRING", "GUARD", "MACRO"). */
export interface ApiDefine {
  readonly name: string;
  readonly type: string;
  readonly value: string | number;
  readonly description: string;
}

/** A field of a struct, or a parameter of a function or callback: its C type and name. */
export interface ApiField {
  readonly type: string;
  readonly name: string;
  readonly description?: string;
}

/** A struct of raylib.h, its fields in declaration order. */
export interface ApiStruct {
  readonly name: string;
  readonly description: string;
  readonly fields: readonly ApiField[];
}

/** A typedef of one struct to another name (`Texture2D` is `Texture`). */
export interface ApiAlias {
  readonly type: string;
  readonly name: string;
  readonly description: string;
}

/** An enum, its values with their numbers. */
export interface ApiEnum {
  readonly name: string;
  readonly description: string;
  readonly values: readonly { readonly name: string; readonly value: number; readonly description: string }[];
}

/** A function (or a callback type): its return type and parameters. */
export interface ApiFunction {
  readonly name: string;
  readonly description: string;
  readonly returnType: string;
  readonly params?: readonly ApiField[];
}

/** The whole of raylib_api.json. */
export interface RaylibApi {
  readonly defines: readonly ApiDefine[];
  readonly structs: readonly ApiStruct[];
  readonly aliases: readonly ApiAlias[];
  readonly enums: readonly ApiEnum[];
  readonly callbacks: readonly ApiFunction[];
  readonly functions: readonly ApiFunction[];
}

let cached: { path: string; api: RaylibApi } | undefined;

/** Where raylib_api.json is: `HOTLOOP_RAYLIB_API` (a file), else the pinned crate's copy. */
export function raylibApiPath(): string {
  return process.env.HOTLOOP_RAYLIB_API ?? join(raylibSourcesSync(), "parser", "output", "raylib_api.json");
}

/** raylib_api.json, parsed (once per process). */
export function raylibApi(): RaylibApi {
  if (cached) return cached.api;
  const path = raylibApiPath();
  const api = JSON.parse(readFileSync(path, "utf8")) as RaylibApi;
  cached = { path, api };
  return api;
}

/** An enum of raylib_api.json by name, or a one-line error naming the file. */
export function raylibEnum(name: string): ApiEnum {
  const e = raylibApi().enums.find((x) => x.name === name);
  if (!e) throw new Error(`${cached?.path ?? "raylib_api.json"}: no enum ${name}`);
  return e;
}
