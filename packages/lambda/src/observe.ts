import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Derivation } from "@sluice/core";

/** Logs each derivation with its bucket and key and records metrics in embedded metric format. */
export function observeDerivations(logger: Logger, metrics: Metrics) {
  return ({ key, outcome, record, read }: Derivation): void => {
    logger.info("derived", { bucket: record?.bucket, key, outcome, status: record?.status, read });
    if (record) metrics.addMetric(`records.${record.status}`, MetricUnit.Count, 1);
    if (read) {
      metrics.addMetric("bytesReadPerObject", MetricUnit.Bytes, read.bytes);
      metrics.addMetric("requestsPerObject", MetricUnit.Count, read.requests);
    }
    for (const error of record?.errors ?? []) metrics.addMetric(`errors.${error.code}`, MetricUnit.Count, 1);
  };
}
