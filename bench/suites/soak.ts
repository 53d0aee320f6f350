import { runSoak } from "../../scripts/soak.ts";
import { fmt } from "../lib.ts";
import type { Suite } from "../suite.ts";

interface SoakFigures {
  readonly reloads: number;
  readonly swaps: number;
  readonly rss_growth_mb: number;
  readonly stale_mappings: number;
  readonly shadow_files_left: number;
  readonly ms: number;
  readonly via_watcher: number;
  readonly via_request: number;
  readonly warmup_reloads: number;
}

/** soak: RSS growth and stale mappings over many reloads, from the reliability soak (scripts/soak.ts). */
export const soakSuite: Suite<SoakFigures> = {
  async run(options) {
    const r = await runSoak({ reloads: options.quick ? 100 : 1000 });
    return { reloads: r.reloads, swaps: r.swaps, rss_growth_mb: r.rssGrowthMb, stale_mappings: r.staleMappings, shadow_files_left: r.shadowFilesLeft, ms: r.ms, via_watcher: r.viaWatcher, via_request: r.viaRequest, warmup_reloads: r.warmupReloads };
  },
  rows: (f) => [
    { suite: "soak", figure: `RSS growth over the ${f.reloads - f.warmup_reloads} reloads after a warm-up of ${f.warmup_reloads}`, value: `${fmt(f.rss_growth_mb)} MB`, goal: "<= 10 MB", context: `${f.swaps} swaps in ${fmt(f.ms / 1000)} s: ${f.via_watcher} builds staged through the file watcher, ${f.via_request} with requestReload() mid-frame; growth counted after the first ${f.warmup_reloads} reloads (the warm-up: JIT, first mappings)`, spread: ["rss_growth_mb"] },
    { suite: "soak", figure: "stale mappings / shadow copies left", value: `${f.stale_mappings} / ${f.shadow_files_left}`, goal: "0 / 0", spread: ["stale_mappings", "shadow_files_left"] },
  ],
};
