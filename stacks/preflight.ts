import {
  CONFIRMABLE,
  type DeployedSettings,
  deployedSettingsName,
  parseDeployed,
  redeployProblem,
} from "./redeploy-guard";
import { settings } from "./settings";

function current(): DeployedSettings {
  return { dataBucket: settings.existingBucket ?? "created", delivery: settings.encord !== null };
}

/**
 * Checks what the AWS provider cannot before any resource is declared: an existing bucket is in the stack's
 * region (S3 delivers events to EventBridge in the bucket's own region), and this deploy does not silently
 * repoint the stage (see `redeployProblem`). Then records the stage's settings for the next deploy.
 */
export async function preflight(): Promise<void> {
  const region = (await aws.getRegion({})).region;
  if (settings.existingBucket !== null) {
    const bucket = await aws.s3.getBucket({ bucket: settings.existingBucket });
    if (bucket.bucketRegion !== region)
      throw new Error(
        `existingBucket "${settings.existingBucket}" is in ${bucket.bucketRegion}, and this stage deploys to ${region}. S3 sends a bucket's events to EventBridge in the bucket's region only: deploy the stage to ${bucket.bucketRegion} ("region" in sluice.stages.json).`,
      );
  }
  const name = deployedSettingsName($app.name, $app.stage);
  const found = await aws.ssm.getParametersByPath({ path: name.slice(0, name.lastIndexOf("/") + 1) });
  const previous = parseDeployed(found.values[found.names.indexOf(name)]);
  const confirmed = (process.env.SLUICE_CONFIRM ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = confirmed.filter((c) => !(CONFIRMABLE as readonly string[]).includes(c));
  if (unknown.length > 0)
    throw new Error(`SLUICE_CONFIRM names ${unknown.join(", ")}; it takes ${CONFIRMABLE.join(", ")}`);
  const problem = redeployProblem(previous, current(), confirmed);
  if (problem) throw new Error(problem);
  new aws.ssm.Parameter("DeployedSettings", {
    name,
    type: "String",
    value: JSON.stringify(current()),
    description: "Sluice: what this stage was last deployed with (stacks/preflight.ts)",
  });
}
