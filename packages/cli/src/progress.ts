/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export interface Progress {
  tick(label: string): void;
  done(): void;
}

/** Creates a progress bar for `total` steps; silent when `stream` is not a TTY. */
export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  let count = 0;
  const width = 30;
  const draw = (label: string) => {
    const filled = total === 0 ? width : Math.round((count / total) * width);
    const text = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${count}/${total} ${label}`;
    stream.write(`\r${text.slice(0, (stream.columns ?? 100) - 1).padEnd((stream.columns ?? 100) - 1)}`);
  };
  return {
    tick(label) {
      count += 1;
      if (stream.isTTY) draw(label);
    },
    done() {
      if (stream.isTTY) stream.write(`\r${" ".repeat((stream.columns ?? 100) - 1)}\r`);
    },
  };
}
