import { Metrics } from "@aws-lambda-powertools/metrics";

/**
 * Powertools Metrics that publish only when something was recorded. An empty publish prints "No application
 * metrics to publish…" on stderr, and batches of sidecars or group work record nothing: dozens of lines a
 * minute in the local stack, one per batch in AWS.
 */
class MetricsWhenRecorded extends Metrics {
  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics()) return super.publishStoredMetrics();
    // What an empty publish does besides warning: the next invocation starts without this one's dimensions.
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}

/** The pipeline's metrics (embedded metric format, namespace Sluice); every caller may publish after each run. */
export function createMetrics(): Metrics {
  return new MetricsWhenRecorded({ namespace: "Sluice", serviceName: "sluice" });
}
