import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "./build-function";
import { type Scenario, type SynthRecording, synthesize } from "./synthesize";

/** A token for the API as `npx sst secret set ApiToken …` would set it. */
export const API_TOKEN = "synth-token-0123456789abcdef";
/** An Encord key as `npx sst secret set EncordSshKey …` would set it (never used to sign anything here). */
export const ENCORD_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nsynth\n-----END OPENSSH PRIVATE KEY-----";
export const EXISTING_BUCKET = "team-raw-data";
export const KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
export const ENCORD_FOLDER = "8b1c5b0e-2f7a-4d3c-9a55-0d6f4c1e2a10";
export const ENCORD_INTEGRATION = "4e2d7a91-6c3b-4f0e-8d21-7b9a5c3e1f42";

const stages = (entry: Record<string, unknown>, stage = "prod") =>
  JSON.stringify({ [stage]: { region: "us-east-1", ...entry } });

/** The scenarios every infrastructure test draws on (sst-offline.md: default, existing bucket, delivery on). */
export const SCENARIOS = {
  /** The README's first deploy: the committed settings file, the API token set. */
  default: { stage: "prod", secrets: { ApiToken: API_TOKEN }, env: {} },
  /** An existing bucket in the stack's region, a key prefix and an SSE-KMS key, in a stage not named prod. */
  existing: {
    stage: "staging",
    stagesFile: stages(
      { existingBucket: EXISTING_BUCKET, keyPrefix: "cams/", kmsKeyArn: KMS_KEY },
      "staging",
    ),
    existingBuckets: { [EXISTING_BUCKET]: { region: "us-east-1" } },
    secrets: { ApiToken: API_TOKEN },
    env: {},
  },
  /** Delivery to Encord on, in a personal dev stage. */
  delivery: {
    stage: "dev",
    stagesFile: stages({ encord: { folder: ENCORD_FOLDER, integration: ENCORD_INTEGRATION } }, "dev"),
    secrets: { ApiToken: API_TOKEN, EncordSshKey: ENCORD_KEY },
    env: {},
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

const HARNESS_FAILURE = /synthesis did not finish|ECONNRESET|socket hang up|Failed to call RPC|rpc server/;

const memo = new Map<string, Promise<SynthRecording>>();

/**
 * The recording of a scenario, synthesized once per content of its inputs (stacks, config, settings, harness) and
 * kept under node_modules/.cache so that several test files share it; a change to any input synthesizes again.
 */
export function recordingOf(scenario: Scenario): Promise<SynthRecording> {
  const key = JSON.stringify(scenario);
  let found = memo.get(key);
  if (!found) {
    found = cached(scenario);
    memo.set(key, found);
  }
  return found;
}

async function inputsHash(scenario: Scenario): Promise<string> {
  const hash = createHash("sha256").update(JSON.stringify(scenario));
  const files = [
    "sst.config.ts",
    "sluice.stages.json",
    ".sst/platform/version",
    ...(await listFiles("stacks")),
    ...(await listFiles("test/helpers/sst-synth")),
  ];
  for (const file of files.sort()) hash.update(file).update(await readFile(join(PROJECT_ROOT, file)));
  return hash.digest("hex").slice(0, 32);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(PROJECT_ROOT, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(PROJECT_ROOT, join(e.parentPath, e.name)));
}

async function cached(scenario: Scenario): Promise<SynthRecording> {
  const dir = join(PROJECT_ROOT, "node_modules/.cache/sluice-synth");
  // Bundles depend on the handlers' sources and the stacks' build settings (esbuild plugins) only, so scenarios
  // share them while those stay the same; the recording names each bundle's hash, so it is kept per sources too.
  const sources = createHash("sha256");
  for (const f of [
    ...(await listFiles("functions")),
    ...(await listFiles("packages")),
    ...(await listFiles("stacks")),
  ].sort())
    if (!f.includes("node_modules")) sources.update(f).update(await readFile(join(PROJECT_ROOT, f)));
  const sourcesHash = sources.digest("hex").slice(0, 16);
  const file = join(dir, `${await inputsHash(scenario)}-${sourcesHash}.json`);
  try {
    return JSON.parse(await readFile(file, "utf8")) as SynthRecording;
  } catch {
    // Not synthesized yet for these inputs.
  }
  const buildCache = join(dir, "builds", sourcesHash);
  const recording = await synthesize({ buildCache, ...scenario });
  // A harness failure is not a result of these inputs: never keep it.
  if (recording.errors.some((e) => HARNESS_FAILURE.test(e))) return recording;
  await mkdir(dir, { recursive: true });
  const partial = `${file}.${process.pid}`;
  await writeFile(partial, JSON.stringify(recording));
  await rename(partial, file);
  return recording;
}
