import { readFile } from "node:fs/promises";
import type { EncordJobs } from "@sluice/core";
import { ConfigError } from "./config";
import { createEncordClient, type EncordClient, parseEncordKey } from "./encord";
import type { EncordConfig } from "./encord-config";

/**
 * The delivery port over Encord's upload jobs: the import file goes as `externalFiles` with its key
 * as `fileName`, through the configured integration, with `ignoreErrors` so that one bad unit never
 * stops the others (each unit error still comes back, and lands on its record).
 */
export function createEncordJobs(client: EncordClient, integration: string): EncordJobs {
  return {
    start: (folder, importFile, fileName) =>
      client.startUploadJob(folder, {
        externalFiles: JSON.parse(importFile),
        integrationHash: integration,
        ignoreErrors: true,
        fileName,
      }),
    async poll(folder, jobId, timeoutSeconds) {
      const state = await client.getUploadJob(folder, jobId, timeoutSeconds);
      return {
        status: state.status,
        itemsWithNames: state.itemsWithNames,
        unitErrors: state.unitErrors.map(({ objectUrls, error }) => ({ objectUrls, error })),
        errors: state.errors,
        counts: {
          done: state.unitsDoneCount,
          error: state.unitsErrorCount,
          cancelled: state.unitsCancelledCount,
        },
      };
    },
  };
}

/** The Encord client of a delivery configuration: its key read from the file or the secret, never logged. */
export async function encordClientFor(config: EncordConfig): Promise<EncordClient> {
  const { key } = config;
  if (key === null)
    throw new ConfigError([
      { key: "ENCORD_SSH_KEY", message: "is not given to this function, which never calls Encord" },
    ]);
  const text = "file" in key ? await readFile(key.file, "utf8") : key.content;
  const { privateKey, keyId } = parseEncordKey(text);
  return createEncordClient({ domain: config.domain, key: privateKey, keyId });
}
