import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { tableDefinition } from "@sluice/aws";
import S3rver from "s3rver";
import { holdS3rverAnswers } from "./local/s3rver-bridge";
import { startDynaliteWorker } from "./local-dynalite-worker";
import { acceptAnyS3rverCredentials } from "./s3rver-any-credentials";
import { fixS3rverBadContinuationTokens } from "./s3rver-continuation-token";
import { fixS3rverEmptyObjectRanges } from "./s3rver-empty-range";
import { rejectS3rverListenErrors } from "./s3rver-listen-error";
import { guardS3rverStore } from "./s3rver-safe-store";
import { requireSignedS3rverRequests } from "./s3rver-signed-requests";

// The emulators accept any credentials; the SDK only insists that some are set.
const CREDENTIALS = { accessKeyId: "sluice-local", secretAccessKey: "sluice-local" };

/** A running emulator with the port it listens on and a client pointed at it. */
export interface Emulator<C> {
  port: number;
  client: C;
  stop(): Promise<void>;
}

/**
 * An s3rver on 127.0.0.1 with the local stack's fixes (any credentials, empty ranges, bad continuation
 * tokens) and guards: signed requests only, no browser writes, keys kept inside `directory` and within
 * the file system's limits; its answers can wait for their events to be queued (holdS3rverAnswers). The
 * tests' emulator is this one too.
 */
export function createLocalS3rver(options: {
  directory: string;
  port: number;
  buckets: readonly string[];
}): S3rver {
  acceptAnyS3rverCredentials();
  fixS3rverEmptyObjectRanges();
  fixS3rverBadContinuationTokens();
  guardS3rverStore();
  const server = new S3rver({
    allowMismatchedSignatures: true,
    port: options.port,
    address: "127.0.0.1",
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  requireSignedS3rverRequests(server);
  // Lets a bridge with answerAfterSend acknowledge a write only once its event is queued.
  holdS3rverAnswers(server);
  rejectS3rverListenErrors(server);
  return server;
}

/** Starts s3rver on 127.0.0.1 with its files under DATA_DIR/s3 and both buckets created. */
export async function startLocalS3(
  dataDir: string,
  port: number,
  buckets: readonly string[],
): Promise<Emulator<S3Client> & { server: S3rver }> {
  const server = createLocalS3rver({ directory: join(dataDir, "s3"), port, buckets });
  const address = await server.run();
  // Without WHEN_REQUIRED, stream bodies are stored with their aws-chunked framing (toolchain.md §3.2).
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${address.port}`,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return {
    port: address.port,
    client,
    server,
    async stop() {
      client.destroy();
      await server.close();
    },
  };
}

/** Starts dynalite on 127.0.0.1 (in its own thread) persisted in LevelDB under DATA_DIR/dynamodb, with the records table. */
export async function startLocalDynamo(
  dataDir: string,
  port: number,
  tableName: string,
): Promise<Emulator<DynamoDBClient>> {
  const server = await startDynaliteWorker(join(dataDir, "dynamodb"), port);
  const address = { port: server.port };
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${address.port}`,
    region: "us-east-1",
    credentials: CREDENTIALS,
  });
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (error) {
    // The table survives restarts in the data directory.
    if (!(error instanceof ResourceInUseException)) {
      client.destroy();
      await server.stop();
      throw error;
    }
  }
  return {
    port: address.port,
    client,
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}
