/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export interface Progress {
  tick(label: string): void;
  done(): void;
}

/** Where the bar is drawn: a terminal, whose width may be unknown (undefined) or reported as 0. */
export interface ProgressStream {
  isTTY: boolean;
  columns?: number | undefined;
  write(text: string): void;
}

/** The width assumed when the terminal does not say (or says 0, as some do when detached). */
const FALLBACK_COLUMNS = 80;
const BAR = 30;

/**
 * Creates a progress bar for `total` steps; silent when the stream is not a terminal. A label too
 * long for the line loses its beginning, never its end (the file name), and drawing never throws:
 * the bar must not break the scan it reports on.
 */
export function createProgress(total: number, stream: ProgressStream | undefined): Progress {
  let count = 0;
  let drawn = 0;
  const width = () => {
    const columns = stream?.columns;
    return columns !== undefined && Number.isInteger(columns) && columns > 1 ? columns : FALLBACK_COLUMNS;
  };
  const safely = (draw: () => void) => {
    if (!stream?.isTTY) return;
    try {
      draw();
    } catch {
      // A terminal that cannot be drawn on only loses the bar.
    }
  };
  return {
    tick(label) {
      count += 1;
      safely(() => {
        const line = progressLine(count, total, label, width() - 1);
        stream?.write(`\r${line.padEnd(drawn)}`);
        drawn = line.length;
      });
    },
    done() {
      safely(() => stream?.write(`\r${" ".repeat(drawn)}\r`));
    },
  };
}

/** `[####......] 3/10 …/cam1/run42.mp4`, at most `room` characters long. */
export function progressLine(count: number, total: number, label: string, room: number): string {
  const filled = total === 0 ? BAR : Math.min(BAR, Math.round((count / total) * BAR));
  const head = `[${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${count}/${total} `;
  const left = room - head.length;
  if (left <= 1) return head.trimEnd().slice(0, Math.max(0, room));
  return head + (label.length <= left ? label : `…${label.slice(label.length - (left - 1))}`);
}
