import type { Delivery } from "../delivery/delivery";
import { forEachConcurrently } from "../for-each-concurrently";
import { type EntryCounts, totalEntries } from "../imports/counts";
import type { PipelineDeps } from "../pipeline/pipeline-deps";
import type { ImportFileInfo } from "../ports/export-store";

/** Ad-hoc import files are named `adhoc/<ULID>`; the exporter's are named by their ULID alone. */
export const ADHOC_IMPORT_PREFIX = "adhoc/";

/** An import file as a listing shows it: who made it, when, what it holds and where its delivery is. */
export interface ImportFileSummary {
  id: string;
  key: string;
  origin: "exporter" | "adhoc";
  writtenAt: string | null;
  /** All entries, and entries per import key; null for a file stored without its counts. */
  entries: number | null;
  counts: EntryCounts | null;
  /** The file's delivery to Encord: only the exporter's files are delivered, and only while delivery is on. */
  delivery: Delivery | null;
}

// HEAD requests in flight at once: a page of 1,000 files takes a second, not a minute.
const CONCURRENCY = 16;

/**
 * Describes a page of import files from their stored counts (one HEAD each, no file is read) and, while
 * delivery is on, their deliveries (one batch read); a file gone since it was listed is left out.
 */
export async function describeImports(
  deps: Pick<PipelineDeps, "exports" | "deliveries">,
  files: readonly { id: string; key: string }[],
): Promise<ImportFileSummary[]> {
  const infos: (ImportFileInfo | null)[] = new Array(files.length).fill(null);
  await forEachConcurrently(files, CONCURRENCY, async ({ key }, i) => {
    infos[i] = await deps.exports.describeImport(key);
  });
  const delivered = files.filter((f) => !f.id.startsWith(ADHOC_IMPORT_PREFIX)).map((f) => f.key);
  const deliveries = new Map<string, Delivery>();
  if (deps.deliveries && delivered.length > 0) {
    for (const delivery of await deps.deliveries.getMany(delivered)) deliveries.set(delivery.file, delivery);
  }
  return files.flatMap(({ id, key }, i): ImportFileSummary[] => {
    const info = infos[i];
    if (!info) return [];
    const counts = info.counts;
    return [
      {
        id,
        key,
        origin: id.startsWith(ADHOC_IMPORT_PREFIX) ? "adhoc" : "exporter",
        writtenAt: info.writtenAt,
        entries: counts === null ? null : totalEntries(counts),
        counts,
        delivery: deliveries.get(key) ?? null,
      },
    ];
  });
}
