// EventBridge Scheduler's expression grammar, checked before anything is declared: the AWS provider passes an
// expression through and Scheduler rejects a bad one halfway through a deploy (`cron(0 3 * * *)` has five fields).
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html

const MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC";
const DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT";

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string;
  /** Characters allowed beyond `, - * /`. */
  extra: string[];
}

const FIELDS: Field[] = [
  { name: "minutes", min: 0, max: 59, extra: [] },
  { name: "hours", min: 0, max: 23, extra: [] },
  { name: "day-of-month", min: 1, max: 31, extra: ["?", "L", "W"] },
  { name: "month", min: 1, max: 12, names: MONTHS, extra: [] },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, extra: ["?", "L", "#"] },
  { name: "year", min: 1970, max: 2199, extra: [] },
];

/** Why `expression` is not a recurring schedule EventBridge Scheduler accepts, or null when it is. */
export function scheduleProblem(expression: string): string | null {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? "";
    if (value < 1) return "a rate must be at least 1";
    if (value === 1 && unit.endsWith("s"))
      return `write rate(1 ${unit.slice(0, -1)}): a rate of 1 takes the singular`;
    if (value > 1 && !unit.endsWith("s"))
      return `write rate(${value} ${unit}s): a rate above 1 takes the plural`;
    return null;
  }
  if (expression.startsWith("rate("))
    return "a rate is rate(VALUE UNIT), UNIT one of minute(s), hour(s), day(s)";
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return "must be rate(VALUE UNIT) or cron(MIN HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)";
  const parts = (cron[1] ?? "").trim().split(/\s+/);
  if (parts.length !== 6)
    return `a cron expression has six fields (minutes hours day-of-month month day-of-week year), not ${parts.length}: e.g. cron(0 3 * * ? *)`;
  for (const [i, field] of FIELDS.entries()) {
    const problem = fieldProblem(parts[i] ?? "", field);
    if (problem) return `${field.name} "${parts[i]}": ${problem}`;
  }
  const dom = parts[2] ?? "";
  const dow = parts[4] ?? "";
  if ((dom === "?") === (dow === "?"))
    return "exactly one of day-of-month and day-of-week must be ?: e.g. cron(0 3 * * ? *) or cron(0 3 ? * MON *)";
  return null;
}

function fieldProblem(value: string, field: Field): string | null {
  if (value === "?")
    return field.extra.includes("?") ? null : "? is allowed only in day-of-month and day-of-week";
  for (const item of value.split(",")) {
    const problem = itemProblem(item, field);
    if (problem) return problem;
  }
  return null;
}

function itemProblem(item: string, field: Field): string | null {
  if (field.name === "day-of-month" && (item === "L" || /^L-\d+$/.test(item) || item === "LW")) return null;
  if (field.name === "day-of-month" && /^\d+W$/.test(item)) return boundProblem(item.slice(0, -1), field);
  if (field.name === "day-of-week" && /^([1-7]|[A-Z]{3})L$/.test(item))
    return boundProblem(item.slice(0, -1), field);
  if (field.name === "day-of-week" && /^([1-7]|[A-Z]{3})#[1-5]$/.test(item))
    return boundProblem(item.split("#")[0] ?? "", field);
  const [range = "", step, ...rest] = item.split("/");
  if (rest.length > 0) return "at most one / per item";
  if (step !== undefined && !/^\d+$/.test(step)) return `step "${step}" is not a number`;
  if (range === "*") return null;
  const [from = "", to, ...more] = range.split("-");
  if (more.length > 0) return `"${range}" is not a range`;
  return boundProblem(from, field) ?? (to === undefined ? null : boundProblem(to, field));
}

function boundProblem(value: string, field: Field): string | null {
  if (field.names && new RegExp(`^(${field.names})$`).test(value)) return null;
  if (!/^\d+$/.test(value)) return `"${value}" is not a value of this field`;
  const n = Number(value);
  if (n < field.min || n > field.max) return `${n} is outside ${field.min}-${field.max}`;
  return null;
}
