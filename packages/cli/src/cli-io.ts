import type { ProgressStream } from "./progress";

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  isTTY: boolean;
  /** Where the progress bar is drawn (stderr); without it, none is. */
  progress?: ProgressStream;
}

/** The io of the running process: its stdout, stderr, environment and terminal. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stderr.isTTY === true,
    progress: {
      isTTY: process.stderr.isTTY === true,
      get columns() {
        return process.stderr.columns;
      },
      write: (text) => process.stderr.write(text),
    },
  };
}
