/**
 * `hotloop/ship`: what a released game runs. `hotloop release` compiles an entry that imports the
 * game plugin and calls {@link runShippedGame} with the embedded native parts; a game's own code
 * never needs this module, it is listed for the generated entry and for tools.
 *
 * @module hotloop/ship
 */
export { runShippedGame, type ShippedGame } from "../ship/player.ts";
export { extractVerified, gameDataDir, sha256, ExtractError, type EmbeddedFile, type ExtractOutcome } from "../ship/extract.ts";
