/// <reference path="./.sst/platform/config.d.ts" />

// Thin on purpose: stacks/ holds the resources, in the order they depend on each other (SST's
// dynamic-import pattern: the platform's globals exist only once run() is called).
export default $config({
  app(input) {
    return {
      name: "sluice",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
    };
  },
  async run() {
    const storage = await import("./stacks/storage");
    const ingest = await import("./stacks/ingest");
    await import("./stacks/export");
    await import("./stacks/reconcile");
    await import("./stacks/deliver");
    const api = await import("./stacks/api");
    await import("./stacks/alarms");
    return {
      dataBucket: storage.dataBucket.name,
      exportsBucket: storage.exportsBucket.name,
      table: storage.table.name,
      ingestQueue: ingest.ingestQueue.url,
      workQueue: ingest.workQueue.url,
      eventRule: ingest.dataEventsRule.name,
      apiUrl: api.api.url,
    };
  },
});
