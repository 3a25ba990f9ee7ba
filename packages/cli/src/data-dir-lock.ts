import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "./errors";

/**
 * Another local stack, alive, holds the data directory (its queues, S3 files and LevelDB are its alone): a
 * usage error, one line and exit code 2.
 */
export class DataDirInUseError extends UsageError {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `another local stack (pid ${pid}) is running on ${dataDir}: stop it, or give this one another DATA_DIR ` +
        `(if no stack runs there, pid ${pid} is now another program's: remove ${lockFile(dataDir)})`,
    );
  }
}

/** The data directory held by this process. */
export interface DataDirLock {
  /**
   * The pid of the stack that held the directory before and is gone without releasing it (killed, crashed,
   * power lost): its run did not stop cleanly (0 when its lock named no pid). Null after a clean stop, and on
   * first use.
   */
  abandonedBy: number | null;
  /** Frees the directory: the next start finds a clean stop. */
  release(): Promise<void>;
  /** Lets the directory go without freeing it: the next start finds this run did not stop cleanly. */
  abandon(): void;
}

// Lock files held by this process: a lock naming this pid but not among them is a dead process's whose pid
// came back (a container restarted), not this process's.
const held = new Set<string>();

/**
 * Takes DATA_DIR for one local stack: DATA_DIR/stack.pid names the holder's pid. A live holder is a
 * DataDirInUseError; a dead one's lock is taken over and reported in `abandonedBy`. A clean stop removes the
 * file, so its presence at start is also how a crash is told from a stop.
 */
export async function lockDataDir(dataDir: string, isAlive = isProcessAlive): Promise<DataDirLock> {
  const file = lockFile(dataDir);
  await mkdir(dataDir, { recursive: true });
  // The lock appears whole (pid written first, then linked in; link fails when the lock exists), so a reader
  // never takes a lock being made for an abandoned one.
  const draft = `${file}.${process.pid}.tmp`;
  await writeFile(draft, `${process.pid}\n`);
  try {
    let abandonedBy: number | null = null;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await linkOnce(draft, file)) {
        held.add(file);
        return lockOf(file, abandonedBy);
      }
      const holder = await holderOf(file);
      // Released meanwhile: try again.
      if (holder === "gone") continue;
      if (holder !== "unreadable" && (held.has(file) || (holder !== process.pid && isAlive(holder))))
        throw new DataDirInUseError(dataDir, holder);
      // Left by a stack that is gone (or by a hand that wrote something else there): it did not stop cleanly.
      abandonedBy = holder === "unreadable" ? 0 : holder;
      await unlink(file).catch(ignoreMissing);
    }
    const holder = await holderOf(file);
    throw new DataDirInUseError(dataDir, typeof holder === "number" ? holder : 0);
  } finally {
    await unlink(draft).catch(ignoreMissing);
  }
}

function lockOf(file: string, abandonedBy: number | null): DataDirLock {
  return {
    abandonedBy,
    async release() {
      if (!held.delete(file)) return;
      if ((await holderOf(file)) === process.pid) await unlink(file).catch(ignoreMissing);
    },
    abandon() {
      held.delete(file);
    },
  };
}

function lockFile(dataDir: string): string {
  return join(dataDir, "stack.pid");
}

async function linkOnce(draft: string, file: string): Promise<boolean> {
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if (codeOf(error) === "EEXIST") return false;
    throw error;
  }
}

/** The pid in a lock file, "gone" when there is none, "unreadable" when it holds something else. */
async function holderOf(file: string): Promise<number | "gone" | "unreadable"> {
  try {
    const text = (await readFile(file, "utf8")).trim();
    return /^[1-9]\d*$/.test(text) ? Number(text) : "unreadable";
  } catch (error) {
    if (codeOf(error) === "ENOENT") return "gone";
    throw error;
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending; EPERM: it exists, another user's). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === "EPERM";
  }
}

function codeOf(error: unknown): unknown {
  return error instanceof Error && "code" in error ? error.code : undefined;
}

function ignoreMissing(error: unknown): void {
  if (codeOf(error) !== "ENOENT") throw error;
}
