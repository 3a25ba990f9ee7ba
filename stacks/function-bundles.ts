import { FUNCTION_NODEJS_BUILD } from "./function-build";

/**
 * Bundles every function with the project's build settings, including the functions SST creates for queue
 * subscribers and crons, whose `nodejs` a stack file cannot set.
 */
export function bundleWithProjectSettings(): void {
  $transform(sst.aws.Function, (args) => {
    args.nodejs = $output(args.nodejs).apply((nodejs) => ({ ...nodejs, ...FUNCTION_NODEJS_BUILD }));
  });
}
