/// <reference path="./.sst/platform/config.d.ts" />

// Thin on purpose: stacks/ holds the resources, in the order they depend on each other (SST's
// dynamic-import pattern: the platform's globals exist only once run() is called). Every setting comes
// from sluice.stages.json, so a deploy does not depend on the deployer's shell.
export default $config({
  // SST refuses top-level imports in this file: modules are imported inside the functions that use them.
  async app(input) {
    const { readStageRegion } = await import("./stacks/stage-region");
    const region = readStageRegion(input.stage);
    return {
      name: "sluice",
      home: "aws",
      // Tables and buckets outlive `sst remove` in every stage: the records table holds what the bucket cannot rebuild.
      removal: "retain",
      ...(region ? { providers: { aws: { region } } } : {}),
    };
  },
  async run() {
    const { trustOnlyLambda } = await import("./stacks/function-roles");
    trustOnlyLambda();
    const { bundleWithProjectSettings } = await import("./stacks/function-bundles");
    bundleWithProjectSettings();
    const { preflight } = await import("./stacks/preflight");
    await preflight();
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
