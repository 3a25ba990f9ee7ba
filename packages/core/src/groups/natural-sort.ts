const CHUNK = /\d+|\D+/g;

function isDigits(chunk: string): boolean {
  const first = chunk.charCodeAt(0);
  return first >= 48 && first <= 57;
}

/** Compares two digit runs by value without parsing, so runs longer than a safe integer still compare. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, "");
  const y = b.replace(/^0+(?=\d)/, "");
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Natural order of file names: digit runs compare by value (`frame2` before `frame10`), other runs
 * by UTF-16 code units, and equal-looking names (`frame01`, `frame1`) fall back to code units, so
 * the order is total and deterministic.
 */
export function naturalCompare(a: string, b: string): number {
  const left = a.match(CHUNK) ?? [];
  const right = b.match(CHUNK) ?? [];
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i] ?? "";
    const y = right[i] ?? "";
    const byValue = isDigits(x) && isDigits(y) ? compareDigits(x, y) : compareUnits(x, y);
    if (byValue !== 0) return byValue;
  }
  if (left.length !== right.length) return left.length - right.length;
  return compareUnits(a, b);
}
