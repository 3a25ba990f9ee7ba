import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirInUseError, lockDataDir } from "../../../packages/cli/src/data-dir-lock";

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-lock-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const alive = () => true;
const dead = () => false;

describe("lockDataDir", () => {
  it("takes a directory no one used and reports no previous run, then frees it on release", async () => {
    // Act
    const lock = await lockDataDir(dataDir, dead);
    const held = await readFile(join(dataDir, "stack.pid"), "utf8");
    await lock.release();

    // Assert
    expect(lock.abandonedBy).toBeNull();
    expect(held).toBe(`${process.pid}\n`);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it("refuses the directory with the holder's pid while the stack that holds it is alive", async () => {
    // Prepare
    await writeFile(join(dataDir, "stack.pid"), "4242\n");

    // Act
    const taken = lockDataDir(dataDir, alive);

    // Assert
    await expect(taken).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(taken).rejects.toThrow(`another local stack (pid 4242) is running on ${dataDir}`);
    expect(await readFile(join(dataDir, "stack.pid"), "utf8")).toBe("4242\n");
  });

  it("takes over the lock of a stack that died holding it and reports its pid", async () => {
    // Prepare
    await writeFile(join(dataDir, "stack.pid"), "4242\n");

    // Act
    const lock = await lockDataDir(dataDir, dead);

    // Assert
    expect(lock.abandonedBy).toBe(4242);
    expect(await readFile(join(dataDir, "stack.pid"), "utf8")).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it("finds a clean stop after a release, and a run that did not stop cleanly after an abandon", async () => {
    // Prepare
    await (await lockDataDir(dataDir, dead)).release();
    const second = await lockDataDir(dataDir, dead);
    second.abandon();

    // Act
    const third = await lockDataDir(dataDir, alive);

    // Assert
    expect(second.abandonedBy).toBeNull();
    expect(third.abandonedBy).toBe(process.pid);
    await third.release();
  });

  it("refuses a second lock in the process that holds the directory", async () => {
    // Prepare
    const first = await lockDataDir(dataDir, alive);

    // Act
    const second = lockDataDir(dataDir, alive);

    // Assert
    await expect(second).rejects.toThrow(`pid ${process.pid}`);
    await first.release();
  });

  it("takes over a lock that names no pid as one left by a run that did not stop cleanly", async () => {
    // Prepare
    await writeFile(join(dataDir, "stack.pid"), "");

    // Act
    const lock = await lockDataDir(dataDir, alive);

    // Assert
    expect(lock.abandonedBy).toBe(0);
    await lock.release();
  });
});
