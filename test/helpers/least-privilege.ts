/** One IAM statement as a stack declares it. */
export interface PermissionStatement {
  actions: string[];
  resources: unknown[];
  effect?: string;
}

const GUARDED_SERVICES = ["s3", "dynamodb"];

/** Throws unless every statement names exact S3 and DynamoDB actions (no `*`, no `s3:*`, no `s3:Get*`) on named resources. */
export function assertLeastPrivilege(statements: readonly PermissionStatement[]): void {
  if (statements.length === 0) throw new Error("no permission statements: a function needs at least one");
  for (const statement of statements) {
    const described = JSON.stringify(statement);
    for (const action of statement.actions) {
      if (action === "*") throw new Error(`action "*" grants everything: ${described}`);
      const [service = ""] = action.split(":");
      if (GUARDED_SERVICES.includes(service.toLowerCase()) && action.includes("*"))
        throw new Error(`wildcard action ${action} on ${service}: ${described}`);
    }
    if (statement.resources.length === 0) throw new Error(`statement without resources: ${described}`);
    for (const resource of statement.resources) {
      if (resource === "*" || resource === "arn:aws:s3:::*")
        throw new Error(`resource "${String(resource)}" is every resource: ${described}`);
    }
  }
}
