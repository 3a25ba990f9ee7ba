import type { KeyObject } from "node:crypto";
import type { z } from "zod";
import { EncordApiError } from "./encord-errors";
import { resolveEncordOrigin } from "./encord-origin";
import {
  type EncordFetch,
  type EncordRequest,
  type EncordTransport,
  sendEncordRequest,
} from "./encord-transport";
import {
  JobUuidSchema,
  MetadataSchemaMapSchema,
  type PatchedItem,
  PatchedItemsPageSchema,
  type UploadJobState,
  UploadJobStateSchema,
} from "./upload-job-state";

/** The SDK's bundle size for patch-bulk; the server's own limit is unknown. */
export const PATCH_BATCH_SIZE = 1000;
/** The longest wait one poll asks for; the server very probably caps it here anyway. */
export const MAX_POLL_SECONDS = 60;
const REQUEST_TIMEOUT_MS = 30_000;

/** How to reach Encord: `domain` is `eu`, `us` or any URL (only scheme, host and port are kept). */
export interface EncordClientOptions {
  domain?: string;
  key: KeyObject;
  keyId: string;
  fetch?: EncordFetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

/** What to import into a storage folder. */
export interface UploadJobInput {
  externalFiles: unknown;
  integrationHash: string;
  ignoreErrors: boolean;
  fileName?: string;
}

/** A whole-value `clientMetadata` replacement for one storage item. */
export interface ItemPatch {
  clientMetadata: Record<string, unknown>;
}

/** The Encord calls Sluice makes. */
export interface EncordClient {
  startUploadJob(folderUuid: string, input: UploadJobInput): Promise<string>;
  getUploadJob(folderUuid: string, jobUuid: string, timeoutSeconds: number): Promise<UploadJobState>;
  patchItems(patches: Record<string, ItemPatch>): Promise<PatchedItem[]>;
  getSchema(): Promise<Record<string, unknown> | null>;
  putSchema(map: Record<string, unknown>): Promise<void>;
}

/** Creates an Encord v2 client that signs every request with the given Ed25519 key. */
export function createEncordClient(options: EncordClientOptions): EncordClient {
  const transport: EncordTransport = {
    origin: resolveEncordOrigin(options.domain),
    key: options.key,
    keyId: options.keyId,
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    userAgent: options.userAgent ?? `sluice node/${process.versions.node}`,
  };
  const call = async <T extends z.ZodType>(schema: T, request: EncordRequest): Promise<z.infer<T>> => {
    const json = await sendEncordRequest(transport, request);
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new EncordApiError(
      {
        status: 200,
        code: "InvalidResponse",
        message: `Encord ${request.method} ${request.route} answered with an unexpected shape`,
      },
      { cause: parsed.error },
    );
  };
  const patchBatch = async (entries: [string, ItemPatch][]): Promise<PatchedItem[]> => {
    try {
      const page = await call(PatchedItemsPageSchema, {
        method: "PATCH",
        route: "storage/items/patch-bulk",
        body: { itemPatches: Object.fromEntries(entries) },
        retry: "retry",
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      return page.results;
    } catch (error) {
      // 413 is never re-sent as is: halve the batch until it fits or one item alone is too large.
      if (!(error instanceof EncordApiError) || error.status !== 413 || entries.length < 2) throw error;
      const half = Math.ceil(entries.length / 2);
      return [...(await patchBatch(entries.slice(0, half))), ...(await patchBatch(entries.slice(half)))];
    }
  };
  return {
    // Job creation is not idempotent (a second POST is a second job), so it is re-sent only on connect failures.
    startUploadJob: (folderUuid, input) =>
      call(JobUuidSchema, {
        method: "POST",
        route: `storage/folders/${encodeURIComponent(folderUuid)}/data-upload-jobs`,
        body: {
          externalFiles: input.externalFiles,
          integrationHash: input.integrationHash,
          ignoreErrors: input.ignoreErrors,
          ...(input.fileName === undefined ? {} : { fileName: input.fileName }),
        },
        retry: "connect-only",
        timeoutMs: REQUEST_TIMEOUT_MS,
      }),
    getUploadJob: (folderUuid, jobUuid, timeoutSeconds) => {
      const seconds = Math.max(0, Math.min(MAX_POLL_SECONDS, Math.floor(timeoutSeconds)));
      return call(UploadJobStateSchema, {
        method: "GET",
        route: `storage/folders/${encodeURIComponent(folderUuid)}/data-upload-jobs/${encodeURIComponent(jobUuid)}`,
        query: { timeoutSeconds: String(seconds) },
        retry: "retry",
        timeoutMs: (seconds + 30) * 1000,
      });
    },
    patchItems: async (patches) => {
      const entries = Object.entries(patches);
      const results: PatchedItem[] = [];
      for (let start = 0; start < entries.length; start += PATCH_BATCH_SIZE) {
        results.push(...(await patchBatch(entries.slice(start, start + PATCH_BATCH_SIZE))));
      }
      return results;
    },
    getSchema: () =>
      call(MetadataSchemaMapSchema, {
        method: "GET",
        route: "organisation/client-metadata-schema-v2",
        retry: "retry",
        timeoutMs: REQUEST_TIMEOUT_MS,
      }),
    putSchema: async (map) => {
      await sendEncordRequest(transport, {
        method: "POST",
        route: "organisation/client-metadata-schema-v2",
        body: map,
        retry: "retry",
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
    },
  };
}
