import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseStageSettings, STAGES_FILE } from "./stage-settings";

export type { StackSettings } from "./stage-settings";

/** The settings of this deploy: the stage's entry in the project's `sluice.stages.json`. */
export const settings = parseStageSettings(
  readFileSync(join($cli.paths.root, STAGES_FILE), "utf8"),
  $app.stage,
);
