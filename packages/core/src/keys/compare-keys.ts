/** Orders keys by UTF-16 code units, as S3 lists them (by UTF-8 bytes) for the BMP. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
