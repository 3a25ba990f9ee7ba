/**
 * How SST bundles every function (`sst.aws.Function`'s `nodejs`; applied by stacks/function-bundles.ts), read too by
 * the bundle tests and `npm run bench:cold` so that they build what AWS runs. Paths are relative to sst.config.ts.
 */
export const FUNCTION_NODEJS_BUILD = {
  plugins: "stacks/esbuild-plugins.mjs",
} as const;
