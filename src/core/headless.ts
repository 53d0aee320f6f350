/**
 * A marker resource: this app runs without a window. Inserted by `hotloop dev --headless` (and
 * wherever no display exists) before the game's plugins are added, so a game reads it rather
 * than guessing: the RaylibPlugin then runs its drawing stand-in, and a game may print a line a
 * second instead of drawing. Bevy's equivalent is running without a primary window.
 */
export class Headless {}

/** Whether the app was started headless (see {@link Headless}). */
export function isHeadless(app: { hasResource(key: typeof Headless): boolean }): boolean {
  return app.hasResource(Headless);
}
