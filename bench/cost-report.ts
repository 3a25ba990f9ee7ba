// The figures of `bench:cost`: per scenario, requests per object by phase, service and operation (with the
// share answered 404), totals, and pipeline CPU per object; then one summary table in README form.
import type { OperationCounts } from "./cost-proxy";
import { type Costs, PHASES, type Phase } from "./cost-stack";

/** One scenario's outcome. */
export interface ScenarioResult {
  name: string;
  objects: number;
  costs: Costs;
  check: { ok: boolean; summary: string };
}

const SERVICES = [
  ["s3", "S3"],
  ["dynamo", "DynamoDB"],
] as const;

/** The lines of one scenario's detail. */
export function scenarioLines(result: ScenarioResult): string[] {
  const { objects, costs } = result;
  const per = (n: number) => (n / objects).toFixed(2);
  const row = (phase: string, service: string, operation: string, requests: number, notFound = 0) =>
    `${phase.padEnd(7)} ${service.padEnd(9)} ${operation.padEnd(16)} ${per(requests).padStart(10)} ${(notFound > 0 ? per(notFound) : "").padStart(6)} ${String(requests).padStart(9)}`;
  const lines = [
    `== ${result.name}: ${objects} objects; ${result.check.summary}`,
    `${"phase".padEnd(7)} ${"service".padEnd(9)} ${"operation".padEnd(16)} per object   404s  requests`,
  ];
  for (const phase of PHASES) {
    for (const [service, label] of SERVICES) {
      for (const [operation, { requests, notFound }] of sorted(costs[phase][service]))
        lines.push(row(phase, label, operation, requests, notFound));
    }
    lines.push(`${row(phase, "total", "", phaseTotal(costs, phase))}  (${costs[phase].runs} handler runs)`);
  }
  const s3 = serviceTotal(costs, "s3");
  const dynamo = serviceTotal(costs, "dynamo");
  lines.push(
    `total   S3 ${per(s3)} + DynamoDB ${per(dynamo)} = ${per(s3 + dynamo)} requests per object (${s3 + dynamo} requests)`,
  );
  lines.push(`CPU     ${cpuLine(result)}`);
  return lines;
}

/** A Markdown table of every scenario: requests per object by phase and service, and CPU per object. */
export function summaryTable(results: readonly ScenarioResult[]): string[] {
  const lines = [
    "| scenario | objects | ingest | work | export | S3 | DynamoDB | **total** | CPU ms/object |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const result of results) {
    const { objects, costs } = result;
    const per = (n: number) => (n / objects).toFixed(2);
    const s3 = serviceTotal(costs, "s3");
    const dynamo = serviceTotal(costs, "dynamo");
    const phases = PHASES.map((phase) => per(phaseTotal(costs, phase)));
    lines.push(
      `| ${result.name} | ${objects} | ${phases.join(" | ")} | ${per(s3)} | ${per(dynamo)} | **${per(s3 + dynamo)}** | ${(cpuMicros(costs) / objects / 1000).toFixed(1)} |`,
    );
  }
  return lines;
}

function cpuLine({ objects, costs }: ScenarioResult): string {
  const ms = (micros: number) => (micros / objects / 1000).toFixed(2);
  const phases = PHASES.map((phase) => `${phase} ${ms(costs[phase].cpuMicros)}`).join(", ");
  return `${ms(cpuMicros(costs))} ms per object (${phases})`;
}

function cpuMicros(costs: Costs): number {
  return PHASES.reduce((sum, phase) => sum + costs[phase].cpuMicros, 0);
}

function phaseTotal(costs: Costs, phase: Phase): number {
  return SERVICES.reduce((sum, [service]) => sum + requestsOf(costs[phase][service]), 0);
}

function serviceTotal(costs: Costs, service: "s3" | "dynamo"): number {
  return PHASES.reduce((sum, phase) => sum + requestsOf(costs[phase][service]), 0);
}

function requestsOf(counts: OperationCounts): number {
  return Object.values(counts).reduce((sum, { requests }) => sum + requests, 0);
}

function sorted(counts: OperationCounts) {
  return Object.entries(counts).sort(([, a], [, b]) => b.requests - a.requests);
}
