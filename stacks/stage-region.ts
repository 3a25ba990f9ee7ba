import { existsSync, readFileSync } from "node:fs";
import { STAGES_FILE, StageSettingsSchema } from "./stage-settings";

/**
 * The AWS region a stage deploys to, from `sluice.stages.json` (read by `app()`, before the program runs, where
 * SST takes its providers); undefined leaves it to the deployer's AWS configuration. `app()` runs with the
 * project root as working directory. The full validation happens in stacks/settings.ts.
 */
export function readStageRegion(stage: string | undefined): string | undefined {
  if (!stage || !existsSync(STAGES_FILE)) return undefined;
  const entry = (JSON.parse(readFileSync(STAGES_FILE, "utf8")) as Record<string, unknown>)[stage];
  const parsed = StageSettingsSchema.safeParse(entry);
  return parsed.success ? parsed.data.region : undefined;
}
