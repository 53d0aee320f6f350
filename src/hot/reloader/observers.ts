/**
 * Who hears about reloads: about-to-reload observers (before a swap, and able to hold it with a
 * block) and reloaded observers (after a swap or a rollback). An observer that throws is reported
 * and the rest still run: an observer never stops the game.
 */
import { oneLineError } from "../../core/errors.ts";
import type { ReloadReport } from "./reload-report.ts";

/** A held token that keeps the reloader from swapping, like hot-lib-reloader's BlockReload. */
export interface ReloadBlock {
  /** Lets the swap proceed at the next frame boundary (once every block is released). */
  release(): void;
}

/** What about-to-reload observers receive. */
export interface AboutToReload {
  /** The build output the new code comes from. */
  readonly file: string;
  /** The version the app will run after the swap. */
  readonly nextVersion: number;
  /** Holds the swap until the returned token is released. */
  block(): ReloadBlock;
}

/** What reloaded observers receive. */
export interface Reloaded {
  /** The build output the code now running came from. */
  readonly file: string;
  /** The version now running. */
  readonly version: number;
  /** `swap`: a new build took over; `rollback`: the previous one came back after a panic. */
  readonly cause: "swap" | "rollback";
}

/** The observers of one reloader and the blocks they hold. */
export class Observers {
  readonly #about: ((e: AboutToReload) => void)[] = [];
  readonly #reloaded: ((e: Reloaded) => void)[] = [];
  readonly #blocks = new Set<ReloadBlock>();
  readonly #report: ReloadReport;

  /** `report`: where an observer that threw is reported. */
  constructor(report: ReloadReport) {
    this.#report = report;
  }

  /** Adds an about-to-reload observer. */
  onAboutToReload(observer: (e: AboutToReload) => void): void {
    this.#about.push(observer);
  }

  /** Adds a reloaded observer. */
  onReloaded(observer: (e: Reloaded) => void): void {
    this.#reloaded.push(observer);
  }

  /** A token that holds every swap until it is released. */
  block(): ReloadBlock {
    const token: ReloadBlock = { release: () => void this.#blocks.delete(token) };
    this.#blocks.add(token);
    return token;
  }

  /** Whether a block is held now. */
  get held(): boolean {
    return this.#blocks.size > 0;
  }

  // The loops are written out in each (no shared helper): they run on the cold swap path, where
  // each further function call measured slower in single runs of bench `reload` (see transaction.ts).

  /** Tells the about-to-reload observers. */
  aboutToReload(event: AboutToReload): void {
    for (const observer of this.#about) {
      try {
        observer(event);
      } catch (e) {
        this.#threw("onAboutToReload", e);
      }
    }
  }

  /** Tells the reloaded observers. */
  reloaded(event: Reloaded): void {
    for (const observer of this.#reloaded) {
      try {
        observer(event);
      } catch (e) {
        this.#threw("onReloaded", e);
      }
    }
  }

  #threw(what: string, e: unknown): void {
    this.#report.warn(`an ${what} observer threw: ${oneLineError(e)}`);
  }
}
