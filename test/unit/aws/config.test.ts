import { describe, expect, it } from "vitest";
import { ConfigError, objectUrlOf, parseConfig } from "../../../packages/aws/src/config";

const MINIMAL = {
  DATA_BUCKET: "ingest",
  EXPORTS_BUCKET: "sluice-exports",
  TABLE_NAME: "records",
  AWS_REGION: "eu-west-1",
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("parseConfig accepted the environment");
}

describe("parseConfig", () => {
  it("applies every default when only the required keys are set", () => {
    // Act
    const config = parseConfig(MINIMAL);

    // Assert
    expect(config).toEqual({
      dataBucket: "ingest",
      exportsBucket: "sluice-exports",
      tableName: "records",
      workQueueUrl: null,
      ingestQueueUrl: null,
      ingestDlqUrl: null,
      workDlqUrl: null,
      region: "eu-west-1",
      sidecarSuffixes: [".metadata.json"],
      emitTextPdfMetadata: false,
      probeSettings: { lossyBitDepth: 16 },
      settleSeconds: 60,
      limits: { maxEntries: 1000, maxVideos: 100, maxBytes: 10_000_000 },
      objectUrlBase: null,
      apiToken: null,
      eventBusName: null,
      webhookUrl: null,
      reconcilePrefix: "",
      encord: null,
    });
  });

  it("reads every optional key when all are set", () => {
    const config = parseConfig({
      ...MINIMAL,
      WORK_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/work",
      INGEST_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/ingest",
      INGEST_DLQ_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-dlq",
      WORK_DLQ_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/work-dlq",
      SIDECAR_SUFFIXES: ".metadata.json, .json",
      EMIT_TEXT_PDF_METADATA: "1",
      LOSSY_BIT_DEPTH: "24",
      SETTLE_SECONDS: "2",
      MAX_ENTRIES: "500",
      MAX_VIDEOS: "50",
      MAX_BYTES: "5000000",
      OBJECT_URL_BASE: "https://cdn.example.com/media/",
      RECONCILE_PREFIX: "cams/",
    });

    expect(config.workQueueUrl).toBe("https://sqs.eu-west-1.amazonaws.com/123456789012/work");
    expect(config.ingestQueueUrl).toBe("https://sqs.eu-west-1.amazonaws.com/123456789012/ingest");
    expect(config.ingestDlqUrl).toBe("https://sqs.eu-west-1.amazonaws.com/123456789012/ingest-dlq");
    expect(config.workDlqUrl).toBe("https://sqs.eu-west-1.amazonaws.com/123456789012/work-dlq");
    expect(config.sidecarSuffixes).toEqual([".metadata.json", ".json"]);
    expect(config.emitTextPdfMetadata).toBe(true);
    expect(config.probeSettings).toEqual({ lossyBitDepth: 24 });
    expect(config.settleSeconds).toBe(2);
    expect(config.limits).toEqual({ maxEntries: 500, maxVideos: 50, maxBytes: 5_000_000 });
    expect(config.objectUrlBase).toBe("https://cdn.example.com/media/");
    expect(config.reconcilePrefix).toBe("cams/");
  });

  it("treats empty values as unset when a key is cleared with an empty string", () => {
    const config = parseConfig({ ...MINIMAL, SIDECAR_SUFFIXES: "", SETTLE_SECONDS: "", WORK_QUEUE_URL: "" });

    expect(config.sidecarSuffixes).toEqual([".metadata.json"]);
    expect(config.settleSeconds).toBe(60);
    expect(config.workQueueUrl).toBeNull();
  });

  it("lists every bad key at once when several are wrong", () => {
    // Prepare
    const env = {
      DATA_BUCKET: "s3://ingest",
      TABLE_NAME: "records",
      WORK_QUEUE_URL: "not a url",
      SIDECAR_SUFFIXES: "metadata.json",
      EMIT_TEXT_PDF_METADATA: "yes",
      LOSSY_BIT_DEPTH: "12",
      SETTLE_SECONDS: "-1",
      MAX_ENTRIES: "0",
      MAX_VIDEOS: "ten",
      MAX_BYTES: "1.5",
      OBJECT_URL_BASE: "ftp://example.com/",
    };

    // Act
    const error = configError(env);

    // Assert
    expect(error.problems.map((p) => p.key).sort()).toEqual(
      [
        "AWS_REGION",
        "DATA_BUCKET",
        "EMIT_TEXT_PDF_METADATA",
        "EXPORTS_BUCKET",
        "LOSSY_BIT_DEPTH",
        "MAX_BYTES",
        "MAX_ENTRIES",
        "MAX_VIDEOS",
        "OBJECT_URL_BASE",
        "SETTLE_SECONDS",
        "SIDECAR_SUFFIXES",
        "WORK_QUEUE_URL",
      ].sort(),
    );
    expect(error.message).toMatch(/^invalid configuration: /);
    expect(error.message).toContain('SIDECAR_SUFFIXES: sidecar suffix "metadata.json" must start with "."');
    expect(error.message).toContain("EXPORTS_BUCKET: is required");
    expect(error.retryable).toBe(false);
  });

  it("refuses an API_TOKEN that no bearer header can carry, and keeps a base64url one", () => {
    const kept = parseConfig({ ...MINIMAL, API_TOKEN: "Abc-_123.456~+/xyz==" });
    const error = configError({ ...MINIMAL, API_TOKEN: "sixteen chars with spaces" });

    expect(kept.apiToken).toBe("Abc-_123.456~+/xyz==");
    expect(error.problems.map((p) => p.key)).toEqual(["API_TOKEN"]);
    expect(error.message).toMatch(/API_TOKEN: must use only letters, digits/);
  });

  it("reads EVENT_BUS_NAME and WEBHOOK_URL when set and names both when they are malformed", () => {
    const hook = "http://127.0.0.1:9/hook";
    const config = parseConfig({ ...MINIMAL, EVENT_BUS_NAME: "default", WEBHOOK_URL: hook });
    const error = configError({ ...MINIMAL, EVENT_BUS_NAME: "my bus!", WEBHOOK_URL: "ftp://example.com/" });

    expect(config.eventBusName).toBe("default");
    expect(config.webhookUrl).toBe(hook);
    expect(error.problems.map((p) => p.key).sort()).toEqual(["EVENT_BUS_NAME", "WEBHOOK_URL"]);
  });

  it("names each missing required key when the environment is empty", () => {
    const error = configError({});

    expect(error.problems).toEqual([
      { key: "DATA_BUCKET", message: "is required" },
      { key: "EXPORTS_BUCKET", message: "is required" },
      { key: "TABLE_NAME", message: "is required" },
      { key: "AWS_REGION", message: "is required" },
    ]);
  });
});

describe("objectUrlOf", () => {
  it("gives the data bucket's virtual-hosted URL when OBJECT_URL_BASE is unset", () => {
    const config = parseConfig(MINIMAL);

    expect(objectUrlOf(config, "videos/a b+c.mp4")).toBe(
      "https://ingest.s3.eu-west-1.amazonaws.com/videos/a%20b%2Bc.mp4",
    );
  });

  it("joins the key to OBJECT_URL_BASE when it is set", () => {
    const config = parseConfig({ ...MINIMAL, OBJECT_URL_BASE: "https://cdn.example.com/media/" });

    expect(objectUrlOf(config, "videos/a b.mp4")).toBe("https://cdn.example.com/media/videos/a%20b.mp4");
  });
});

describe("parseConfig: delivery to Encord", () => {
  const base = {
    DATA_BUCKET: "ingest",
    EXPORTS_BUCKET: "sluice-exports",
    TABLE_NAME: "t",
    AWS_REGION: "eu-west-1",
  };
  const FOLDER = "00000000-0000-4000-8000-00000000000f";
  const INTEGRATION = "00000000-0000-4000-8000-0000000000aa";

  it("turns delivery on with the EU domain when a folder, the integration and a key file are set", () => {
    const config = parseConfig({
      ...base,
      ENCORD_FOLDER: FOLDER,
      ENCORD_FOLDERS: `cams/=00000000-0000-4000-8000-0000000000c1`,
      ENCORD_INTEGRATION: INTEGRATION,
      ENCORD_SSH_KEY_FILE: "/run/secrets/encord",
    });

    expect(config.encord).toEqual({
      domain: "https://api.encord.com",
      folder: FOLDER,
      routes: [{ prefix: "cams/", folder: "00000000-0000-4000-8000-0000000000c1" }],
      integration: INTEGRATION,
      key: { file: "/run/secrets/encord" },
    });
  });

  it("keeps only the origin of ENCORD_DOMAIN, so a fake server or the US domain can be used", () => {
    const config = parseConfig({
      ...base,
      ENCORD_DOMAIN: "http://127.0.0.1:4010/ignored/path",
      ENCORD_FOLDER: FOLDER,
      ENCORD_INTEGRATION: INTEGRATION,
      ENCORD_SSH_KEY: "-----BEGIN OPENSSH PRIVATE KEY-----secret",
    });

    expect(config.encord?.domain).toBe("http://127.0.0.1:4010");
    expect(config.encord?.key).toEqual({ content: "-----BEGIN OPENSSH PRIVATE KEY-----secret" });
  });

  it("configures the folders without the key for a function that never calls Encord, dropping a key given anyway", () => {
    const env = {
      ...base,
      ENCORD_FOLDER: FOLDER,
      ENCORD_FOLDERS: `cams/=00000000-0000-4000-8000-0000000000c1`,
      ENCORD_INTEGRATION: INTEGRATION,
    };

    const withoutKey = parseConfig(env, { encordKey: "unused" });
    const withKey = parseConfig({ ...env, ENCORD_SSH_KEY: "secret-key-material" }, { encordKey: "unused" });

    expect(withoutKey.encord).toEqual({
      domain: "https://api.encord.com",
      folder: FOLDER,
      routes: [{ prefix: "cams/", folder: "00000000-0000-4000-8000-0000000000c1" }],
      integration: INTEGRATION,
      key: null,
    });
    expect(withKey.encord?.key).toBeNull();
    expect(() => parseConfig(env)).toThrow(/ENCORD_SSH_KEY_FILE: is required/);
  });

  it("names what is missing, and never the key, when delivery is half configured", () => {
    const half = () => parseConfig({ ...base, ENCORD_SSH_KEY: "secret-key-material", ENCORD_FOLDER: "nope" });

    expect(half).toThrow(ConfigError);
    const message = (() => {
      try {
        half();
        return "";
      } catch (error) {
        return error instanceof Error ? error.message : "";
      }
    })();
    expect(message).toContain("ENCORD_FOLDER: must be a UUID");
    expect(message).toContain("ENCORD_INTEGRATION: is required to deliver to Encord");
    expect(message).not.toContain("secret-key-material");
  });
});
