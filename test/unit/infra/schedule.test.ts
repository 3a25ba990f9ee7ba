import { describe, expect, it } from "vitest";
import { scheduleProblem } from "../../../stacks/schedule";

describe("scheduleProblem", () => {
  it.each([
    "rate(1 day)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(12 hours)",
    "cron(0 3 * * ? *)",
    "cron(15 10 ? * 6L 2026-2030)",
    "cron(0/15 * * * ? *)",
    "cron(0 9 ? * MON-FRI *)",
    "cron(0 18 L * ? *)",
    "cron(0 8 1,15 JAN-JUN ? *)",
    "cron(0 10 ? * 2#1 *)",
    "cron(0 12 15W * ? *)",
  ])("accepts %s", (expression) => {
    expect(scheduleProblem(expression)).toBeNull();
  });

  it.each([
    ["cron(0 3 * * *)", /six fields/],
    ["cron(0 3 * * * *)", /exactly one of day-of-month and day-of-week must be \?/],
    ["cron(0 3 ? * ? *)", /exactly one/],
    ["cron(60 3 * * ? *)", /minutes "60": 60 is outside 0-59/],
    ["cron(0 24 * * ? *)", /hours/],
    ["cron(0 3 ? * MOO *)", /day-of-week/],
    ["cron(0 3 * 13 ? *)", /month/],
    ["rate(1 days)", /rate\(1 day\)/],
    ["rate(2 day)", /rate\(2 days\)/],
    ["rate(0 minutes)", /at least 1/],
    ["rate(1 week)", /UNIT one of/],
    ["daily", /must be rate/],
    ["at(2026-12-03T10:00:00)", /must be rate/],
  ])("rejects %s", (expression, problem) => {
    expect(scheduleProblem(expression)).toMatch(problem);
  });
});
