import { randomUUID } from "node:crypto";
import type { ApiDeps } from "@sluice/api";
import {
  createS3ExportsBucket,
  EncordApiError,
  type EncordClient,
  type EncordConfig,
  encordClientFor,
} from "@sluice/aws";
import { TransientError } from "@sluice/core";
import { type Deps, deps } from "./deps";
import { ulid } from "./ids";

/** The API's deps over the pipeline's: the exports bucket for presigned answers, the bearer token. */
export function createApiDeps(d: Deps, token: string): ApiDeps {
  return {
    pipeline: d.pipeline,
    schemaStore: d.schemaStore,
    jobs: d.jobs,
    exportsBucket: createS3ExportsBucket({ client: d.s3, bucket: d.config.exportsBucket }),
    token,
    newId: () => ulid(Date.now()),
    logError: (message, details) => d.logger.error(message, details),
    ...(d.deadLetters ? { deadLetters: d.deadLetters } : {}),
    ...(d.config.encord ? { encordSchema: encordSchemaOf(d.config.encord) } : {}),
  };
}

/** Encord's schema map through a client built on first use, as delivery does: the key is read only when needed. */
function encordSchemaOf(config: EncordConfig): NonNullable<ApiDeps["encordSchema"]> {
  let client: Promise<EncordClient> | undefined;
  const encord = () => {
    client ??= encordClientFor(config);
    // A failed build (an unreadable key file) is not kept: the next request tries again.
    client.catch(() => {
      client = undefined;
    });
    return client;
  };
  return {
    get: async () => (await encord()).getSchema().catch(asTransient),
    put: async (map) => (await encord()).putSchema(map).catch(asTransient),
  };
}

/** An Encord failure worth retrying answers 503 with `Retry-After`; any other stays an error of its own. */
function asTransient(error: unknown): never {
  if (error instanceof EncordApiError && error.retryable)
    throw new TransientError(`Encord is unavailable: ${error.message}`, { cause: error });
  throw error;
}

/** The API deps of a Lambda process; the token is `API_TOKEN`, and without one every request is refused. */
export function apiDeps(): ApiDeps {
  // A random token nobody knows refuses every authenticated request rather than letting them all in.
  const d = deps();
  return createApiDeps(d, d.config.apiToken ?? randomUUID());
}
