// `npm run bench:cost [-- --change-objects N]`: the AWS requests the pipeline makes per object, counted on the
// wire by proxies in front of the local stack's s3rver and dynalite, by phase (ingest, work, export), service
// and operation, and the pipeline's CPU per object (process.cpuUsage around each handler run; the emulators run
// in a child process). Uploads are not counted. Scenarios: cost-scenarios.ts. Target (issue 18): 100 images in
// one folder at most 4 requests per object end to end.
import { parseArgs } from "node:util";
import { type ScenarioResult, scenarioLines, summaryTable } from "./cost-report";
import { scenarios } from "./cost-scenarios";
import { startCostStack } from "./cost-stack";

const { values } = parseArgs({ options: { "change-objects": { type: "string", default: "1000" } } });
const changeObjects = Number(values["change-objects"]);

const { warmUp, measured } = await scenarios(changeObjects);
const stack = await startCostStack();
const results: ScenarioResult[] = [];
try {
  // The first run of every code path compiles it: a warm function is what most objects meet.
  await warmUp.run(stack);
  for (const scenario of measured) {
    await scenario.setup?.(stack);
    stack.takeCosts();
    await scenario.run(stack);
    const costs = stack.takeCosts();
    const result = {
      name: scenario.name,
      objects: scenario.objects,
      costs,
      check: await scenario.check(stack),
    };
    results.push(result);
    console.log(`${scenarioLines(result).join("\n")}\n`);
  }
  console.log(summaryTable(results).join("\n"));
  console.log(`BENCH_COST ${JSON.stringify(results)}`);
  if (results.some((r) => !r.check.ok)) process.exitCode = 1;
} finally {
  await stack.stop();
}
