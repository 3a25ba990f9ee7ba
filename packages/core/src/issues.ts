import { z } from "zod";

/** One problem found with an object: an error makes the record `invalid` or `skipped`; a warning does not. */
export const IssueSchema = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
});
export type Issue = z.infer<typeof IssueSchema>;

/** Builds an issue, leaving `path` out when it is not given. */
export function issue(code: string, message: string, path?: string): Issue {
  return path === undefined ? { code, message } : { code, message, path };
}
