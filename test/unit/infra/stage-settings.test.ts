import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStageSettings } from "../../../stacks/stage-settings";

const file = (entry: unknown, stage = "prod") => JSON.stringify({ $comment: "notes", [stage]: entry });
const FOLDER = "8b1c5b0e-2f7a-4d3c-9a55-0d6f4c1e2a10";
const INTEGRATION = "4e2d7a91-6c3b-4f0e-8d21-7b9a5c3e1f42";

describe("parseStageSettings", () => {
  it("gives a new bucket, no prefix, no delivery and a daily reconcile for an empty stage", () => {
    expect(parseStageSettings(file({}), "prod")).toEqual({
      region: null,
      existingBucket: null,
      keyPrefix: null,
      kmsKeyArn: null,
      alarmTopicArn: null,
      reconcileSchedule: "rate(1 day)",
      encord: null,
      functionEnvironment: {},
    });
  });

  it("reads the committed file's prod stage", () => {
    const text = readFileSync(join(import.meta.dirname, "../../../sluice.stages.json"), "utf8");
    expect(parseStageSettings(text, "prod").existingBucket).toBeNull();
  });

  it("turns the Encord settings into the functions' ENCORD_* variables", () => {
    const settings = parseStageSettings(
      file({
        encord: { folder: FOLDER, folders: { "cams/": INTEGRATION }, integration: INTEGRATION, domain: "us" },
      }),
      "prod",
    );
    expect(settings.encord).toEqual({
      ENCORD_DOMAIN: "us",
      ENCORD_FOLDER: FOLDER,
      ENCORD_FOLDERS: `cams/=${INTEGRATION}`,
      ENCORD_INTEGRATION: INTEGRATION,
    });
  });

  it("refuses half an Encord configuration, naming what is missing", () => {
    expect(() => parseStageSettings(file({ encord: { folder: FOLDER } }), "prod")).toThrow(
      /prod\.encord\.integration: is required to deliver to Encord/,
    );
    expect(() => parseStageSettings(file({ encord: { integration: INTEGRATION } }), "prod")).toThrow(
      /prod\.encord\.folder: is required/,
    );
  });

  it("refuses a five-field cron before anything is declared", () => {
    expect(() => parseStageSettings(file({ reconcileSchedule: "cron(0 3 * * *)" }), "prod")).toThrow(
      /prod\.reconcileSchedule: a cron expression has six fields/,
    );
  });

  it("lists every problem at once, unknown keys included", () => {
    const run = () =>
      parseStageSettings(
        file({ existingBuckett: "x", kmsKeyArn: "key", environment: { SETTLE_SECOND: "5" }, region: "mars" }),
        "prod",
      );
    expect(run).toThrow(/4 problem\(s\)/);
    expect(run).toThrow(/prod: unknown setting\(s\) existingBuckett/);
    expect(run).toThrow(/prod\.kmsKeyArn: is not a KMS key ARN/);
    expect(run).toThrow(/prod\.region: is not an AWS region/);
    expect(run).toThrow(/prod\.environment: unknown setting\(s\) SETTLE_SECOND/);
  });

  it("names the stages it has when the deployed stage has none", () => {
    expect(() => parseStageSettings(file({}), "staging")).toThrow(
      /has no stage "staging" \(it has: prod\)\. Add "staging": \{\}/,
    );
  });

  it("passes the handlers' settings through", () => {
    expect(
      parseStageSettings(file({ environment: { SIDECAR_SUFFIXES: ".metadata.json,.json" } }), "prod")
        .functionEnvironment,
    ).toEqual({ SIDECAR_SUFFIXES: ".metadata.json,.json" });
  });

  it("says when the file is not JSON", () => {
    expect(() => parseStageSettings("{", "prod")).toThrow(/sluice\.stages\.json is not JSON/);
  });
});
