import { constants } from "node:fs";
import { open } from "node:fs/promises";
import type { ByteSource } from "@sluice/core";

/** A ByteSource over a local file, read with positional reads; close it when done. */
export interface FileByteSource extends ByteSource {
  close(): Promise<void>;
}

/** Opens a local file as a ByteSource; anything but a regular file (a folder, a pipe, a device) is refused. */
export async function createFileByteSource(path: string): Promise<FileByteSource> {
  // Non-blocking, so that opening a named pipe returns at once instead of waiting for a writer.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new Error(info.isDirectory() ? "it is a folder" : "it is not a regular file");
  }
  const { size } = info;
  return {
    size,
    async read(offset, length) {
      const want = Math.max(0, Math.min(length, size - offset));
      const buffer = new Uint8Array(want);
      let filled = 0;
      while (filled < want) {
        const { bytesRead } = await handle.read(buffer, filled, want - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}
