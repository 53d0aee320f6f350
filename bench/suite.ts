import type { Row } from "./lib.ts";

/** What a suite returns: its JSON figures (stable keys) and its rows of the printed table. */
export interface SuiteResult {
  readonly json: Record<string, unknown>;
  readonly rows: readonly Row[];
}
