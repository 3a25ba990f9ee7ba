import { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  type Config,
  createCachedSchemaStore,
  createDeliveryStore,
  createEncordJobs,
  createFlags,
  createJobStore,
  createLeases,
  createRecordStore,
  createS3ExportStore,
  createS3ObjectStore,
  createSchemaStore,
  createSqsDeadLetters,
  createSqsWorkQueue,
  type EncordConfigOptions,
  encordClientFor,
  LAMBDA_SDK_TIMEOUTS,
  objectUrlOf,
  parseConfig,
  type SdkTimeouts,
  sdkRequestHandler,
} from "@sluice/aws";
import type { DeadLetters, EncordJobs, JobStore, PipelineDeps, SchemaStore, WorkQueue } from "@sluice/core";
import { createMetrics } from "./metrics";
import { observeDerivations } from "./observe";
import {
  createEventPublisher,
  createOutboundEvents,
  type OutboundEvents,
  reportPublishFailure,
} from "./publish-events";

/** The SDK clients of one process; the local stack passes clients pointed at its emulators. */
export interface Clients {
  s3: S3Client;
  dynamo: DynamoDBClient;
  work: WorkQueue;
  /** The EventBridge client for outbound events; without one, `EVENT_BUS_NAME` publishes nothing. */
  events?: EventBridgeClient;
  /** The dead letters of the ingest and work queues: SQS's where their URLs are configured, the local stack's own. */
  deadLetters?: DeadLetters;
}

/** Everything a handler needs, built once per cold start. */
export interface Deps {
  config: Config;
  pipeline: PipelineDeps;
  logger: Logger;
  metrics: Metrics;
  /** The SDK S3 client, for adapters beyond the pipeline's ports (the API's exports bucket). */
  s3: S3Client;
  /** The metadata schema, read without the pipeline's cache so that a `PUT /schema` is seen at once. */
  schemaStore: SchemaStore;
  /** Reimport jobs and their progress, in the records table. */
  jobs: JobStore;
  /** Encord's upload jobs when delivery is on (design.md "Delivery to Encord"); null while it is off. */
  encord: (() => Promise<EncordJobs>) | null;
  /** Outbound events collected from derivations; handlers flush them after each batch or run. */
  events: OutboundEvents;
  /** The dead letters of the ingest and work queues, where the process has them. */
  deadLetters?: DeadLetters;
}

/** A schema change reaches every process within this time; until then each derivation reuses the schema read. */
const SCHEMA_TTL_MS = 2_000;

/** Wires the adapters into the ports, each built once: the one composition root. */
export function createDeps(
  config: Config,
  clients: Clients,
  logger = new Logger({ serviceName: "sluice" }),
): Deps {
  // Plain numbers back from DynamoDB: `revision` must not come back wrapped.
  const doc = DynamoDBDocumentClient.from(clients.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const metrics = createMetrics();
  const onPublishFailure = reportPublishFailure(logger, metrics);
  const events = createOutboundEvents(
    createEventPublisher(config, clients.events ?? null, onPublishFailure),
    onPublishFailure,
  );
  const observeForLogs = observeDerivations(logger, metrics);
  const schemaStore = createSchemaStore(doc, config.tableName);
  return {
    config,
    pipeline: createPipelineDeps(config, clients, doc, {
      schema: createCachedSchemaStore(schemaStore, SCHEMA_TTL_MS),
      observe: (derivation) => {
        observeForLogs(derivation);
        events.observe(derivation);
      },
    }),
    logger,
    metrics,
    s3: clients.s3,
    schemaStore,
    jobs: createJobStore(doc, config.tableName),
    encord: encordJobsOf(config.encord),
    events,
    ...(clients.deadLetters ? { deadLetters: clients.deadLetters } : {}),
  };
}

/** The pipeline's ports over the records table and the buckets, with delivery's where it is on. */
function createPipelineDeps(
  config: Config,
  clients: Clients,
  doc: DynamoDBDocumentClient,
  { schema, observe }: Pick<PipelineDeps, "schema" | "observe">,
): PipelineDeps {
  const { tableName, encord: delivery } = config;
  return {
    objects: createS3ObjectStore({ client: clients.s3, bucket: config.dataBucket }),
    records: createRecordStore({ doc, tableName, s3: clients.s3, exportsBucket: config.exportsBucket }),
    leases: createLeases(doc, tableName),
    flags: createFlags(doc, tableName),
    schema,
    work: clients.work,
    exports: createS3ExportStore({ client: clients.s3, bucket: config.exportsBucket }),
    ...(delivery ? { deliveries: createDeliveryStore(doc, tableName) } : {}),
    settings: {
      suffixes: config.sidecarSuffixes,
      emitTextPdfMetadata: config.emitTextPdfMetadata,
      probeSettings: config.probeSettings,
      limits: config.limits,
      objectUrlOf: (key) => objectUrlOf(config, key),
      pageSize: 500,
      ...(delivery ? { delivery: { routes: delivery.routes, folder: delivery.folder } } : {}),
    },
    now: () => new Date().toISOString(),
    observe,
  };
}

/**
 * Encord's upload jobs, built on first use and then kept: the key is read then, not at cold start, and only
 * by what delivers (the exporter has none); null while delivery is off.
 */
function encordJobsOf(delivery: Config["encord"]): (() => Promise<EncordJobs>) | null {
  if (!delivery || delivery.key === null) return null;
  let encordJobs: Promise<EncordJobs> | undefined;
  return () => {
    encordJobs ??= encordClientFor(delivery).then((client) => createEncordJobs(client, delivery.integration));
    return encordJobs;
  };
}

let cached: Deps | undefined;

/**
 * The deps of a Lambda process: config from the environment, default AWS clients, built on first use.
 * `encordKey: "unused"` for a function that never calls Encord (the exporter): it is configured without the key.
 */
export function deps(options: EncordConfigOptions = {}): Deps {
  if (cached) return cached;
  const config = parseConfig(process.env, options);
  const { s3, sqs, dynamo, events } = createAwsClients(config);
  const work = config.workQueueUrl
    ? createSqsWorkQueue({ client: sqs, queueUrl: config.workQueueUrl })
    : missingWorkQueue();
  const deadLetters = sqsDeadLetters(config, sqs);
  cached = createDeps(config, {
    s3,
    dynamo,
    work,
    ...(events ? { events } : {}),
    ...(deadLetters ? { deadLetters } : {}),
  });
  return cached;
}

/** The SDK clients of a Lambda process, each with connection and request timeouts (sdk-timeouts.ts). */
export function createAwsClients(
  config: Pick<Config, "region" | "eventBusName">,
  timeouts: SdkTimeouts = LAMBDA_SDK_TIMEOUTS,
): { s3: S3Client; sqs: SQSClient; dynamo: DynamoDBClient; events: EventBridgeClient | undefined } {
  // Without timeouts a server that announces a body and never sends it holds the function until Lambda kills it.
  const options = () => ({ region: config.region, requestHandler: sdkRequestHandler(timeouts) });
  return {
    s3: new S3Client(options()),
    sqs: new SQSClient(options()),
    dynamo: new DynamoDBClient(options()),
    events: config.eventBusName ? new EventBridgeClient(options()) : undefined,
  };
}

/** The SQS dead letters when all four queue URLs are set (the API function's environment), else none. */
function sqsDeadLetters(config: Config, client: SQSClient): DeadLetters | null {
  const { ingestQueueUrl, ingestDlqUrl, workQueueUrl, workDlqUrl } = config;
  if (!ingestQueueUrl || !ingestDlqUrl || !workQueueUrl || !workDlqUrl) return null;
  return createSqsDeadLetters({
    client,
    queues: {
      ingest: { sourceUrl: ingestQueueUrl, dlqUrl: ingestDlqUrl },
      work: { sourceUrl: workQueueUrl, dlqUrl: workDlqUrl },
    },
  });
}

function missingWorkQueue(): WorkQueue {
  return {
    send: async () => {
      throw new Error("WORK_QUEUE_URL is not set: this function cannot fan out work");
    },
  };
}
