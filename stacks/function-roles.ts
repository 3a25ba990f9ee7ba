/** The trust policy of every Sluice function's role: the Lambda service, nobody else. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * SST 4.17.1 trusts the account root as well as Lambda in every function role: function.ts's createRole tests
 * `!dev` where `dev` is an Output (always truthy), so it always picks the `sst dev` trust policy. Then any
 * principal in the account allowed `sts:AssumeRole` on `*` could act as a Sluice function. This sets the
 * trust policy back to the Lambda service alone, for every function, including those of crons and queues.
 */
export function trustOnlyLambda(): void {
  $transform(sst.aws.Function, (args) => {
    const previous = args.transform?.role;
    args.transform = {
      ...args.transform,
      role: (roleArgs, opts, name) => {
        if (typeof previous === "function") previous(roleArgs, opts, name);
        else if (previous) Object.assign(roleArgs, previous);
        roleArgs.assumeRolePolicy = LAMBDA_TRUST_POLICY;
      },
    };
  });
}
