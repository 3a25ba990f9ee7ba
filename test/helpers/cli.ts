import { main } from "../../packages/cli/src/main";

/** Runs the `sluice` command in-process and captures its exit code, stdout and stderr. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
    isTTY: false,
  });
  return { code, stdout, stderr };
}
