/** One offline synthesis to run: which stage, with which secrets, settings file and environment. */
export interface SynthRequest {
  /** The project root the program is built from (where `sst.config.ts` and `sluice.stages.json` are). */
  root: string;
  stage: string;
  /** The text of `sluice.stages.json` for this synthesis; the project's own file when absent. */
  stagesFile?: string;
  /** `sst secret set` values: `{ ApiToken: "..." }`. */
  secrets: Record<string, string>;
  /** The deployer's shell environment, on top of the test process's. */
  env: Record<string, string>;
  /** Existing buckets the deployer's account holds, by name, for `aws.s3.getBucket` and `Bucket.get`. */
  existingBuckets?: Record<string, { region: string }>;
  /** SSM parameters that exist before this deploy (what an earlier deploy left), by name. */
  ssmParameters?: Record<string, string>;
  workDir: string;
  resultFile: string;
  /** Where built bundles are kept between scenarios (they do not depend on the settings). */
  buildCache?: string;
  timeoutMs: number;
}

/** One resource the program declared (or read, for `Bucket.get`). */
export interface SynthResource {
  type: string;
  name: string;
  parent: string | null;
  custom: boolean;
  read: boolean;
  retainOnDelete: boolean;
  protect: boolean;
  inputs: Record<string, unknown>;
  id?: string;
}

/** Everything one synthesis declared. */
export interface SynthRecording {
  app: { name: string; stage: string; removal: string };
  resources: SynthResource[];
  invokes: { token: string; inputs: Record<string, unknown> }[];
  outputs: Record<string, unknown>;
  /** Unhandled rejections and thrown errors, as `Name: message`; empty when the synthesis succeeded. */
  errors: string[];
  /** Each `Runtime.Build` the program asked for, with the `nodejs.plugins` file it gave, if any. */
  builds: { functionID: string; handler: string; runtime: string; out: string; plugins?: string }[];
}
