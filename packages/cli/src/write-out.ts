import { stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "./errors";
import { describeFsError } from "./load-inputs";

/** Checks that `--out FILE` names a file in a folder that exists, before a scan that may take long. */
export async function checkOutFile(out: string): Promise<void> {
  const folder = dirname(resolve(out));
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`--out ${out}: the folder ${folder} does not exist`);
  if ((await stat(out).catch(() => null))?.isDirectory())
    throw new UsageError(`--out ${out} is a folder; give a file name`);
}

/** Writes the import files to `out`, or to `out.part1.json`, ... when there are several; returns their names. */
export async function writeImportFiles(out: string, texts: string[]): Promise<string[]> {
  const names = texts.length === 1 ? [out] : texts.map((_, i) => partName(out, i + 1));
  await Promise.all(
    texts.map((text, i) =>
      writeFile(names[i] ?? out, text).catch((error: unknown) => {
        throw new UsageError(`cannot write ${names[i] ?? out}: ${describeFsError(error)}`);
      }),
    ),
  );
  return names;
}

/** `imports.json` → `imports.part2.json`. */
function partName(out: string, part: number): string {
  const dot = out.lastIndexOf(".");
  return dot > out.lastIndexOf("/")
    ? `${out.slice(0, dot)}.part${part}${out.slice(dot)}`
    : `${out}.part${part}`;
}
