import { buildImportEntry } from "../imports/entry";
import { ImportEntrySchema } from "../imports/format";
import { titleFor } from "../imports/title";
import { type Issue, issue } from "../issues";
import { type FolderDefaults, folderOf, type GroupMember, type GroupResult } from "./group-result";

/** One DICOM series: keyed by its SeriesInstanceUID, or `null` for a file that has none. */
export type SeriesResult = GroupResult & { seriesInstanceUid: string | null };

/** What `assembleDicomSeries` needs besides the files. */
export interface AssembleSeriesOptions {
  /** The merged defaults of a folder (with its trailing slash); a series takes its first member's. */
  defaultsFor(folder: string): FolderDefaults;
  objectUrlOf?(key: string): string;
}

const NO_DEFAULTS: FolderDefaults = { clientMetadata: {}, provenance: {} };

/**
 * Groups DICOM files into one series per SeriesInstanceUID (design.md "Groups"), ordered by
 * InstanceNumber then key, titled `<folder>/<SeriesDescription or SeriesInstanceUID>`; a file
 * without a SeriesInstanceUID is its own one-file series with a `dicom-no-series-uid` warning.
 */
export function assembleDicomSeries(
  files: readonly GroupMember[],
  options: AssembleSeriesOptions = { defaultsFor: () => NO_DEFAULTS },
): SeriesResult[] {
  const bySeries = new Map<string, GroupMember[]>();
  const results: SeriesResult[] = [];
  for (const file of files) {
    const uid = file.record.mediaMetadata?.dicom?.seriesInstanceUid;
    if (uid === undefined || uid === "") {
      const message = `${file.key} has no SeriesInstanceUID; it is imported as a series of its own`;
      results.push(assemble(null, [file], options, [issue("dicom-no-series-uid", message)]));
    } else {
      const series = bySeries.get(uid);
      if (series) series.push(file);
      else bySeries.set(uid, [file]);
    }
  }
  for (const [uid, members] of bySeries) results.push(assemble(uid, members, options, []));
  return results.sort(
    (a, b) =>
      compare(a.seriesInstanceUid ?? "", b.seriesInstanceUid ?? "") ||
      compare(a.memberKeys[0] ?? "", b.memberKeys[0] ?? ""),
  );
}

function assemble(
  uid: string | null,
  files: readonly GroupMember[],
  options: AssembleSeriesOptions,
  warnings: Issue[],
): SeriesResult {
  const ordered = [...files].sort((a, b) => instanceOrder(a) - instanceOrder(b) || compare(a.key, b.key));
  const errors: Issue[] = [];
  for (const member of ordered) {
    if (member.record.status === "invalid" || member.record.status === "skipped") {
      const message = `member ${member.key} is ${member.record.status}; the series cannot export until it is fixed`;
      errors.push(issue("series-member-invalid", message));
    }
  }
  const studies = new Set(ordered.flatMap((m) => m.record.mediaMetadata?.dicom?.studyInstanceUid ?? []));
  if (studies.size > 1) {
    const message = `series ${uid} spans several studies (${[...studies].join(", ")}); Encord requires one StudyInstanceUID per series`;
    errors.push(issue("dicom-study-mismatch", message));
  }
  const first = ordered[0];
  const folder = first ? folderOf(first.key) : "";
  const description = first?.record.mediaMetadata?.dicom?.seriesDescription?.trim();
  const title = uid === null && first ? first.record.title : titleFor(`${folder}${description || uid || ""}`);
  // A lone file without a series keeps its own metadata, as it had before grouping existed.
  const defaults =
    uid === null && first
      ? { clientMetadata: first.record.clientMetadata, provenance: first.record.provenance }
      : options.defaultsFor(folder);
  const memberKeys = ordered.map((m) => m.key);
  const base = { seriesInstanceUid: uid, title, ...defaults, memberKeys, missing: [], errors, warnings };
  if (errors.length > 0) return { ...base, status: "invalid", entry: null };
  const built = buildImportEntry(
    {
      unitType: "dicom_series",
      title,
      clientMetadata: defaults.clientMetadata,
      objectUrls: ordered.map((m) => options.objectUrlOf?.(m.key) ?? m.record.objectUrl),
    },
    { emitTextPdfMetadata: false },
  );
  const checked = ImportEntrySchema.safeParse({ importKey: built.importKey, entry: built.entry });
  if (checked.success) return { ...base, status: "ready", entry: checked.data.entry };
  for (const problem of checked.error.issues) {
    errors.push(issue("invalid-import-entry", problem.message, problem.path.slice(1).join(".") || undefined));
  }
  return { ...base, status: "invalid", entry: null };
}

/** InstanceNumber, with files that lack one after all that have one. */
function instanceOrder(member: GroupMember): number {
  return member.record.mediaMetadata?.dicom?.instanceNumber ?? Number.POSITIVE_INFINITY;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
