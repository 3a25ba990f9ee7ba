import { z } from "zod";

const OneOrMany = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === "string" ? [v] : v));

// Only what Sluice's policies use. A statement with NotAction, NotResource, Condition or Principal is refused
// rather than evaluated, so that a richer policy cannot pass by being half understood.
const StatementSchema = z.strictObject({
  Sid: z.string().optional(),
  Effect: z.enum(["Allow", "Deny"]),
  Action: OneOrMany,
  Resource: OneOrMany,
});

/** Zod schema for an identity policy document as the stacks render it. */
export const PolicyDocumentSchema = z.object({
  Version: z.literal("2012-10-17"),
  Statement: z.array(StatementSchema),
});

/** One statement of an identity policy, with `Action` and `Resource` always lists. */
export type PolicyStatement = z.infer<typeof StatementSchema>;

/** One permission a call needs: an IAM action on one resource ARN. */
export interface Permission {
  action: string;
  resource: string;
}

/** One action on one resource pattern of an Allow statement: the unit a policy grants, and that a call uses. */
export interface Grant {
  statement: number;
  action: string;
  resource: string;
}

/** Parses a policy document's JSON text into its statements. */
export function parsePolicy(json: string): PolicyStatement[] {
  return PolicyDocumentSchema.parse(JSON.parse(json)).Statement;
}

/** IAM's wildcard match: `*` any run of characters, `?` any one character. */
export function matchesWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/** Whether a grant covers a permission: actions compare without case (IAM's rule), resources with case. */
export function grantCovers(grant: Pick<Grant, "action" | "resource">, needed: Permission): boolean {
  return (
    matchesWildcard(grant.action, needed.action, true) && matchesWildcard(grant.resource, needed.resource)
  );
}

/** Whether the statements allow the permission: some Allow covers it and no Deny does (IAM's evaluation, no conditions). */
export function isAllowed(statements: readonly PolicyStatement[], needed: Permission): boolean {
  const covering = (effect: "Allow" | "Deny") =>
    grantsOf(statements, effect).some((grant) => grantCovers(grant, needed));
  return covering("Allow") && !covering("Deny");
}

/** Every action on every resource pattern of the statements with `effect` (Allow by default). */
export function grantsOf(
  statements: readonly PolicyStatement[],
  effect: "Allow" | "Deny" = "Allow",
): Grant[] {
  return statements.flatMap((s, statement) =>
    s.Effect === effect
      ? s.Action.flatMap((action) => s.Resource.map((resource) => ({ statement, action, resource })))
      : [],
  );
}
