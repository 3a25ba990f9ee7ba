// Recording stand-ins for SST's platform globals (toolchain.md §2.3): there is no offline synth, so the
// wiring test loads sst.config.ts with these and checks what the config asks for. Output properties
// are readable string tokens (`<Queue:Ingest.arn>`) so that `$interpolate` and `$jsonStringify` work on them.

/** One resource or component the config created. */
export interface RecordedResource {
  type: string;
  name: string;
  args: Record<string, unknown>;
  calls: { method: string; args: unknown[] }[];
}

/** Everything one `run()` created, in order. */
export interface Recording {
  resources: RecordedResource[];
}

/** A token standing for an Output of a named component. */
export function token(type: string, name: string, property: string): string {
  return `<${type}:${name}.${property}>`;
}

/** Installs the stub globals (`$config`, `$app`, `$interpolate`, `$jsonStringify`, `sst`, `aws`) and returns the recording they fill. */
export function installSstStubs(stage = "test"): Recording {
  const recording: Recording = { resources: [] };
  const record = (type: string, name: string, args: unknown): RecordedResource => {
    const entry: RecordedResource = { type, name, args: isRecord(args) ? args : {}, calls: [] };
    recording.resources.push(entry);
    return entry;
  };

  class Bucket {
    readonly name: string;
    readonly arn: string;
    readonly nodes: { bucket: { id: string } };
    constructor(name: string, args: unknown = {}) {
      record("sst.aws.Bucket", name, args);
      this.name = token("Bucket", name, "name");
      this.arn = token("Bucket", name, "arn");
      this.nodes = { bucket: { id: token("Bucket", name, "id") } };
    }
    static get(name: string, bucketName: string) {
      record("sst.aws.Bucket.get", name, { bucketName });
      // A referenced bucket's name is known: it is the one the user gave.
      const ref = Object.create(Bucket.prototype);
      return Object.assign(ref, {
        name: bucketName,
        arn: `arn:aws:s3:::${bucketName}`,
        nodes: { bucket: { id: bucketName } },
      });
    }
  }

  class Dynamo {
    readonly name: string;
    readonly arn: string;
    constructor(name: string, args: unknown) {
      record("sst.aws.Dynamo", name, args);
      this.name = token("Dynamo", name, "name");
      this.arn = token("Dynamo", name, "arn");
    }
  }

  class Queue {
    readonly arn: string;
    readonly url: string;
    readonly nodes: { queue: { name: string; arn: string } };
    private readonly entry: RecordedResource;
    constructor(name: string, args: unknown = {}) {
      this.entry = record("sst.aws.Queue", name, args);
      this.arn = token("Queue", name, "arn");
      this.url = token("Queue", name, "url");
      this.nodes = { queue: { name: token("Queue", name, "name"), arn: this.arn } };
    }
    subscribe(...args: unknown[]) {
      this.entry.calls.push({ method: "subscribe", args });
      return { nodes: { function: { name: token("QueueSubscriber", this.entry.name, "name") } } };
    }
  }

  class FunctionStub {
    readonly name: string;
    readonly arn: string;
    readonly url: string;
    constructor(name: string, args: unknown) {
      record("sst.aws.Function", name, args);
      this.name = token("Function", name, "name");
      this.arn = token("Function", name, "arn");
      this.url = token("Function", name, "url");
    }
  }

  const simple = (type: string, properties: string[]) =>
    class {
      constructor(name: string, args: unknown = {}) {
        record(type, name, args);
        for (const property of properties) Object.assign(this, { [property]: token(type, name, property) });
      }
    };

  class Secret {
    readonly name: string;
    readonly value: string;
    constructor(name: string, placeholder?: string) {
      record("sst.Secret", name, { placeholder });
      this.name = name;
      this.value = token("Secret", name, "value");
    }
  }

  const interpolate = (strings: TemplateStringsArray, ...values: unknown[]) =>
    strings.reduce((out, part, i) => out + part + (i < values.length ? String(values[i]) : ""), "");

  Object.assign(globalThis, {
    $config: (config: unknown) => config,
    $app: { name: "sluice", stage, removal: "remove" },
    $interpolate: interpolate,
    $jsonStringify: (value: unknown) => JSON.stringify(value),
    sst: {
      Secret,
      aws: {
        Bucket,
        Dynamo,
        Queue,
        Function: FunctionStub,
        Cron: simple("sst.aws.Cron", ["name"]),
        CronV2: simple("sst.aws.CronV2", ["name"]),
      },
    },
    aws: {
      s3: { BucketNotification: simple("aws.s3.BucketNotification", ["id"]) },
      cloudwatch: {
        EventRule: simple("aws.cloudwatch.EventRule", ["name", "arn"]),
        EventTarget: simple("aws.cloudwatch.EventTarget", ["id"]),
        MetricAlarm: simple("aws.cloudwatch.MetricAlarm", ["name", "arn"]),
        // A data source, not a resource: it records nothing.
        getEventBusOutput: (args: { name: string }) => ({
          name: args.name,
          arn: token("EventBus", args.name, "arn"),
        }),
      },
      sqs: { QueuePolicy: simple("aws.sqs.QueuePolicy", ["id"]) },
      iam: {
        // The policy document stays an object so that the test can read its statements.
        getPolicyDocumentOutput: (args: unknown) => ({ json: { policyDocument: args } }),
      },
    },
  });
  return recording;
}

/** Removes the stub globals again. */
export function removeSstStubs(): void {
  for (const key of ["$config", "$app", "$interpolate", "$jsonStringify", "sst", "aws"]) {
    Reflect.deleteProperty(globalThis, key);
  }
}

/** Whether a value is a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
