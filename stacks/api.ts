import { encordEnvironment } from "./encord";
import { functionEnvironment, ingestDlq, ingestQueue, workDlq, workQueue } from "./ingest";
import {
  apiExportsAccess,
  readDataBucket,
  redriveDeadLetters,
  sendWork,
  writeRecordOverflow,
  writeRecords,
} from "./permissions";
import { settings } from "./settings";
import { dataBucket, exportsBucket, table } from "./storage";

/** The API's bearer token: `npx sst secret set ApiToken <at least 16 characters>`. */
export const apiToken = new sst.Secret("ApiToken");

/** The HTTP API on a Function URL; auth `none` because IAM auth would take the `Authorization` header. */
export const api = new sst.aws.Function("Api", {
  handler: "functions/api.handler",
  runtime: "nodejs22.x",
  timeout: "30 seconds",
  memory: "1024 MB",
  // Same-origin only: the console is served by the API itself (no CORS), and scripts are not browsers.
  url: { authorization: "none", cors: false },
  environment: {
    ...functionEnvironment({ sendsWork: true }),
    API_TOKEN: apiToken.value,
    // `GET /dead-letters` and `POST /dead-letters/redrive`.
    INGEST_QUEUE_URL: ingestQueue.url,
    INGEST_DLQ_URL: ingestDlq.url,
    WORK_DLQ_URL: workDlq.url,
    // `GET /deliveries` and schema sync, when delivery is configured.
    ...encordEnvironment,
  },
  permissions: [
    ...readDataBucket(dataBucket, settings.kmsKeyArn),
    ...writeRecords(table, ["GetItem", "BatchGetItem", "PutItem"], { query: true }),
    ...writeRecordOverflow(exportsBucket),
    ...apiExportsAccess(exportsBucket),
    ...sendWork(workQueue),
    ...redriveDeadLetters([ingestDlq, workDlq], [ingestQueue, workQueue]),
  ],
});
