//! The coins: collected when the player touches one, spinning meanwhile.
use hotloop_sdk::prelude::*;

// The components crate (systems/components), generated from src/components.ts by `hotloop codegen`.
use components::*;

/// Radians per second a coin spins at.
const COIN_SPIN: f32 = 4.0;

/// Points for one coin: edit it while `bun run dev --features reload` runs.
const POINTS_PER_COIN: u32 = 1;

/// The blip of a coin taken (assets/sounds/coin.wav, loaded by src/render.ts's GameAssets); edit the
/// pitch and save to hear it change.
const COIN_SOUND: Sound = Sound::named("sounds/coin.wav").pitch(1.0);

/// Collects the coins the player touches: despawns each (Commands, applied right after this
/// system), scores it (ResMut<Score>, the resource the HUD reads), plays the coin's sound (Audio,
/// carried out after the frame) and says where (CoinCollected, which TypeScript's respawn_coins
/// answers with a new coin).
pub fn collect_coins(
    mut commands: Commands,
    mut score: ResMut<Score>,
    mut audio: Audio,
    mut collected: EventWriter<CoinCollected>,
    players: Query<(Read<Position>, Read<Appearance>), With<Player>>,
    coins: Query<(Entity, Read<Position>, Read<Appearance>), With<Coin>>,
) {
    for (player, reach) in players.iter() {
        for (coin, at, look) in coins.iter() {
            let (dx, dy) = (at.x - player.x, at.y - player.y);
            let r = reach.radius + look.radius;
            if dx * dx + dy * dy <= r * r {
                commands.despawn(coin);
                score.value += POINTS_PER_COIN;
                audio.play(COIN_SOUND);
                collected.send(CoinCollected { x: at.x, y: at.y });
            }
        }
    }
}

/// Spins the coins.
pub fn coin_spin(mut coins: Query<Write<Coin>>, time: Res<Time>) {
    let step = COIN_SPIN * time.delta_f32();
    for coin in coins.iter_mut() {
        *coin.phase = (*coin.phase + step) % std::f32::consts::TAU;
    }
}
