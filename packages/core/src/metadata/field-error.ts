import type { z } from "zod";
import type { Issue } from "../issues";
import { isJsonObject } from "../json";
import { formatPath } from "./schema";
import { characterCount } from "./values";

/** A metadata value that breaks a rule: where it is, what was expected and a short view of what came. */
export type FieldError = Issue & { path: string; expected: string; got: string };

/** Errors kept per top-level key, so that a 4096-long embedding of strings does not give 4096 errors. */
const MAX_ERRORS_PER_KEY = 10;
const MAX_GOT_LENGTH = 80;

/** Builds a field error whose message reads `expected X, got Y`. */
export function fieldError(
  code: string,
  path: readonly PropertyKey[],
  expected: string,
  value: unknown,
): FieldError {
  const got = describeValue(value);
  return { code, message: `expected ${expected}, got ${got}`, path: formatPath(path), expected, got };
}

/** A short JSON view of a value (about 80 characters), with the length of long arrays and strings. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value; // a BigInt or a cycle, which JSON input cannot hold
  }
  const short = text.length > MAX_GOT_LENGTH ? `${text.slice(0, MAX_GOT_LENGTH - 3)}...` : text;
  if (Array.isArray(value)) return `${short} (${value.length} items)`;
  if (typeof value === "string" && short !== text) return `${short} (${characterCount(value)} characters)`;
  return short;
}

/**
 * Runs a zod schema and maps its issues to field errors under `base`. Issue messages are the
 * "expected" text: schemas in this package set them, and zod's own issues get one from `expectedOf`.
 */
export function fieldErrorsOf(schema: z.ZodType, value: unknown, base: readonly PropertyKey[], code: string) {
  const result = schema.safeParse(value, { error: expectedOf });
  if (result.success) return [];
  return result.error.issues.flatMap((found) => toFieldErrors(found, value, base, code));
}

function toFieldErrors(found: z.core.$ZodIssue, root: unknown, base: readonly PropertyKey[], code: string) {
  const path = [...base, ...found.path];
  if (found.code === "unrecognized_keys") {
    return found.keys.map((key) =>
      fieldError(code, [...path, key], `no "${key}" key`, valueAt(root, [...found.path, key])),
    );
  }
  let expected = found.message;
  if (found.code === "invalid_union") {
    // A branch whose issues all lie below the union matched the value's shape: report its details.
    const matched = found.errors.filter((branch) => branch.every((inner) => inner.path.length > 0));
    const [only] = matched;
    if (matched.length === 1 && only !== undefined) {
      const here = valueAt(root, found.path);
      return only.flatMap((inner): FieldError[] => toFieldErrors(inner, here, path, code));
    }
    expected = found.errors.map((branch) => branch[0]?.message ?? "something else").join(" or ");
  }
  return [fieldError(code, path, expected, valueAt(root, found.path))];
}

function expectedOf(found: z.core.$ZodRawIssue): string | undefined {
  const bound = (word: string, limit: unknown, inclusive: boolean | undefined) =>
    `${word} ${inclusive === false ? "" : "or equal to "}${String(limit)}`;
  switch (found.code) {
    case "invalid_type":
      return found.expected === "record" ? "object" : found.expected === "int" ? "integer" : found.expected;
    case "invalid_value":
      return `one of ${found.values.map((option) => JSON.stringify(option)).join("|")}`;
    case "too_small":
      return `${found.origin} ${bound("greater than", found.minimum, found.inclusive)}`;
    case "too_big":
      return `${found.origin} ${bound("less than", found.maximum, found.inclusive)}`;
    default:
      return undefined;
  }
}

/** Keeps the first errors of one key and says how many more there were. */
export function capErrors(errors: FieldError[], base: readonly PropertyKey[]): FieldError[] {
  if (errors.length <= MAX_ERRORS_PER_KEY) return errors;
  const kept = errors.slice(0, MAX_ERRORS_PER_KEY);
  const more = `(and ${errors.length - MAX_ERRORS_PER_KEY} more under ${formatPath(base)})`;
  return kept.map((error, index) =>
    index === kept.length - 1 ? { ...error, message: `${error.message} ${more}` } : error,
  );
}

/** Reads the value at a zod path, or undefined when the path leads nowhere. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (Array.isArray(current) && typeof part === "number") current = current[part];
    else if (isJsonObject(current) && typeof part === "string" && Object.hasOwn(current, part)) {
      current = current[part];
    } else return undefined;
  }
  return current;
}
