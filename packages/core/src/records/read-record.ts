import { NotFoundError } from "../errors";
import type { PipelineDeps } from "../pipeline/pipeline-deps";
import type { StoredRecord } from "../ports/record-store";

/** The stored record of a key of the data bucket; throws NotFoundError when there is none. */
export async function readRecord(
  deps: Pick<PipelineDeps, "objects" | "records">,
  key: string,
): Promise<StoredRecord> {
  const record = await deps.records.get(deps.objects.bucket, key);
  if (record === null) throw new NotFoundError(`no record for the key "${key}"`);
  return record;
}
