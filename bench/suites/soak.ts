import { runSoak } from "../../scripts/soak.ts";
import { fmt } from "../lib.ts";
import type { SuiteResult } from "../suite.ts";

/** soak: RSS growth and stale mappings over many reloads, from the reliability soak (scripts/soak.ts). */
export async function soakSuite(reloads: number): Promise<SuiteResult> {
  const r = await runSoak({ reloads });
  return {
    json: { reloads: r.reloads, swaps: r.swaps, rss_growth_mb: r.rssGrowthMb, stale_mappings: r.staleMappings, shadow_files_left: r.shadowFilesLeft, ms: r.ms },
    rows: [
      { suite: "soak", figure: `RSS growth over ${r.reloads} reloads`, value: `${fmt(r.rssGrowthMb)} MB`, goal: "<= 10 MB", context: `${r.swaps} swaps in ${fmt(r.ms / 1000)} s` },
      { suite: "soak", figure: "stale mappings / shadow copies left", value: `${r.staleMappings} / ${r.shadowFilesLeft}`, goal: "0 / 0" },
    ],
  };
}
