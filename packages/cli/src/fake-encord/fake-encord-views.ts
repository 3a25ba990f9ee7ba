import type { FakeItem, FakeJob } from "./fake-encord-store";

/** Renders a job as `UploadLongPollingState` (encord-api.md §2.2). */
export function jobView(job: FakeJob): Record<string, unknown> {
  return {
    status: job.status,
    itemsWithNames: job.itemsWithNames,
    errors: job.errors,
    unitsPendingCount: job.counts.pending,
    unitsDoneCount: job.counts.done,
    unitsErrorCount: job.counts.error,
    unitsCancelledCount: job.counts.cancelled,
    unitErrors: job.unitErrors,
    fileName: job.fileName,
  };
}

/** Renders an item as a `StorageItem`, with `clientMetadata` as a JSON string. */
export function itemView(item: FakeItem): Record<string, unknown> {
  const { objectUrls: _urls, clientMetadata, ...rest } = item;
  return {
    ...rest,
    description: "",
    lastEditedAt: item.createdAt,
    clientMetadata: JSON.stringify(clientMetadata),
    storageLocation: "s3",
    isTombstone: false,
    isPlaceholder: false,
    signedUrl: null,
  };
}
