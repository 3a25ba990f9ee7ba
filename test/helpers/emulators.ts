import { EventEmitter } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import type S3rver from "s3rver";
import { tableDefinition } from "../../packages/aws/src/table";
import { createLocalS3rver } from "../../packages/cli/src/local-emulators";

const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** A running in-process dynalite with clients pointed at it. */
export interface Dynalite {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

/** A running in-process s3rver with a client pointed at it. */
export interface S3rverHandle {
  endpoint: string;
  client: S3Client;
  server: S3rver;
  directory: string;
  /** Subscribes to s3rver's S3 notification events (the typings of S3rver omit its EventEmitter side). */
  onEvent(listener: (event: unknown) => void): void;
  stop(): Promise<void>;
}

/** Starts dynalite on a random loopback port; tables are ACTIVE at once (toolchain.md §3.1). */
export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${portOf(server)}`;
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    client,
    doc,
    async stop() {
      client.destroy();
      await closeServer(server);
    },
  };
}

/** Starts s3rver on a random loopback port in a fresh temp directory (removed on stop) with `buckets` created. */
/** An S3 client for an s3rver endpoint (the local stack's, or a test's): path-style, any credentials. */
export function s3ClientFor(endpoint: string): S3Client {
  // Without WHEN_REQUIRED, stream bodies are stored with their aws-chunked framing (toolchain.md §3.2).
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

export async function startS3rver(buckets: readonly string[]): Promise<S3rverHandle> {
  // The same emulator as the local stack's, with the same fixes and guards.
  const directory = await mkdtemp(join(tmpdir(), "sluice-s3rver-"));
  const server = createLocalS3rver({ directory, port: 0, buckets });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = s3ClientFor(endpoint);
  const emitter: unknown = server;
  return {
    endpoint,
    client,
    server,
    directory,
    onEvent(listener) {
      if (emitter instanceof EventEmitter) emitter.on("event", listener);
    },
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Creates the records table (the same definition the infrastructure uses) and returns its name. */
export async function createRecordsTable(client: DynamoDBClient, name = "records"): Promise<string> {
  await client.send(new CreateTableCommand(tableDefinition(name)));
  return name;
}

function portOf(server: Server): number {
  const address: string | AddressInfo | null = server.address();
  if (address === null || typeof address === "string")
    throw new Error("dynalite is not listening on a TCP port");
  return address.port;
}

function closeServer(server: Server): Promise<void> {
  // Idle keep-alive sockets would hold close() open.
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
