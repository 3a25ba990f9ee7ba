import { z } from "zod";

/** Encord's `UploadLongPollingState` (§2.2): one long-poll answer about a storage upload job. */
export const UploadJobStateSchema = z.object({
  // Plain upper-case strings, unlike the camelCase enums elsewhere in the API.
  status: z.enum(["PENDING", "DONE", "ERROR", "CANCELLED"]),
  itemsWithNames: z.array(z.object({ itemUuid: z.string(), name: z.string() })).default([]),
  errors: z.array(z.string()).default([]),
  unitsPendingCount: z.number().int().default(0),
  unitsDoneCount: z.number().int().default(0),
  unitsErrorCount: z.number().int().default(0),
  unitsCancelledCount: z.number().int().default(0),
  unitErrors: z
    .array(
      z.object({
        objectUrls: z.array(z.string()),
        error: z.string(),
        subtaskUuid: z.string(),
        actionDescription: z.string(),
      }),
    )
    .default([]),
  fileName: z.string().nullable().default(null),
});

/** One long-poll answer about a storage upload job. */
export type UploadJobState = z.infer<typeof UploadJobStateSchema>;

/** The part of each `StorageItem` in a patch-bulk answer that Sluice reads; other fields pass through. */
export const PatchedItemSchema = z.looseObject({ uuid: z.string() });

/** One item as patch-bulk returned it. */
export type PatchedItem = z.infer<typeof PatchedItemSchema>;

/** The `Page` patch-bulk answers with. */
export const PatchedItemsPageSchema = z.object({ results: z.array(PatchedItemSchema).default([]) });

/** The org metadata schema v2 map (key to type object), or null before the first write. */
export const MetadataSchemaMapSchema = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((map) => map ?? null);

/** The job UUID that job creation answers with, as a bare JSON string. */
export const JobUuidSchema = z.guid();
