import type { PipelineDeps } from "../pipeline/pipeline-deps";
import { scanRecords } from "../records/list-records";
import { inferMetadataSchema } from "./infer-schema";
import type { MetadataSchema } from "./schema";

/** Records read at most to infer a schema: a sample of the bucket in key order, not all of it. */
export const MAX_INFER_KEYS = 10_000;

/** Infers a metadata schema from the `clientMetadata` of the live records of the first MAX_INFER_KEYS keys. */
export async function inferBucketSchema(
  deps: Pick<PipelineDeps, "objects" | "records">,
): Promise<MetadataSchema> {
  const { records } = await scanRecords(deps, { prefix: "" }, MAX_INFER_KEYS);
  return inferMetadataSchema(
    records.filter((record) => record.status !== "deleted").map((r) => r.clientMetadata),
  );
}
