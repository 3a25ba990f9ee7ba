import { z } from "zod";
import { cancelJob, type FakeEncordState, startJob } from "./fake-encord-store";
import { jobView } from "./fake-encord-views";
import { detail, type FakeResponse, message, ok, parseJson, queryInteger } from "./fake-response";
import { parseImport } from "./import-units";

// PostUploadJobParams (encord-api.md §2.1): camelCase, no unknown fields, ignoreErrors always sent by the SDK.
const PostUploadJobSchema = z.strictObject({
  externalFiles: z.unknown().optional(),
  dataItems: z.unknown().optional(),
  integrationHash: z.string(),
  ignoreErrors: z.boolean(),
  fileName: z.string().optional(),
});

/** `POST storage/folders/{folder}/data-upload-jobs`: answers the new job's uuid as a bare JSON string. */
export function createUploadJob(state: FakeEncordState, folder: string, body: Uint8Array): FakeResponse {
  if (!state.folders.has(folder)) return message(403, `no access to folder ${folder}`);
  const json = parseJson(body);
  if (!("value" in json)) return json;
  const parsed = PostUploadJobSchema.safeParse(json.value);
  if (!parsed.success) return detail(400, z.prettifyError(parsed.error));
  const { externalFiles, dataItems, integrationHash, ignoreErrors, fileName } = parsed.data;
  if ((externalFiles === undefined) === (dataItems === undefined))
    return detail(400, "exactly one of externalFiles or dataItems is required");
  // Unknown and inaccessible look the same, as the docs say of 403 (encord-api.md §3.2).
  if (!state.integrations.has(integrationHash))
    return message(403, `no access to integration ${integrationHash}`);
  const spec =
    externalFiles !== undefined
      ? parseImport(externalFiles, "externalFiles")
      : parseImport(dataItems, "dataItems");
  if (typeof spec === "string") return detail(400, spec);
  const job = startJob(state, { folder, integrationHash, ignoreErrors, fileName: fileName ?? null, spec });
  return ok(job.uuid);
}

/** `GET …/data-upload-jobs/{job}?timeoutSeconds=n`: holds until the job changes or min(n, cap) passes. */
export async function pollUploadJob(
  state: FakeEncordState,
  folder: string,
  jobUuid: string,
  query: URLSearchParams,
  capSeconds: number,
): Promise<FakeResponse> {
  const job = state.jobs.get(jobUuid);
  if (job === undefined || job.folder !== folder) return detail(404, "upload job not found");
  // The DTO default is 60 (encord-api.md §2.2).
  const timeoutSeconds = queryInteger(query, "timeoutSeconds", 60);
  if (timeoutSeconds === null) return detail(400, "timeoutSeconds must be a non-negative integer");
  const waitMs = Math.min(timeoutSeconds, capSeconds) * 1000;
  if (job.status === "PENDING" && waitMs > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        job.waiters.delete(wake);
        resolve();
      }, waitMs);
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      job.waiters.add(wake);
    });
  }
  return ok(jobView(job));
}

/** `POST …/data-upload-jobs/{job}/cancel`: answers `{unitsCancelledCount}`. */
export function cancelUploadJob(state: FakeEncordState, folder: string, jobUuid: string): FakeResponse {
  const job = state.jobs.get(jobUuid);
  if (job === undefined || job.folder !== folder) return detail(404, "upload job not found");
  return ok({ unitsCancelledCount: cancelJob(job) });
}
