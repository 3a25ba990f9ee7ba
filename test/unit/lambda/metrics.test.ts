import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMetrics } from "../../../packages/lambda/src/metrics";

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Everything written on stdout and stderr while `act` runs. */
function captureOutput(act: () => void): string {
  let written = "";
  const capture = (chunk: unknown) => {
    written += String(chunk);
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  act();
  vi.restoreAllMocks();
  return written;
}

describe("createMetrics", () => {
  it("writes nothing when published with nothing recorded", () => {
    // Prepare
    const metrics = createMetrics();

    // Act
    const written = captureOutput(() => metrics.publishStoredMetrics());

    // Assert
    expect(written).toBe("");
  });

  it("publishes what was recorded as one embedded-metric-format line, then holds nothing", () => {
    // Prepare
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
    const metrics = createMetrics();
    metrics.addMetric("records.ready", MetricUnit.Count, 2);

    // Act
    const written = captureOutput(() => metrics.publishStoredMetrics());

    // Assert
    expect(JSON.parse(written)).toMatchObject({ "records.ready": 2, service: "sluice" });
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
