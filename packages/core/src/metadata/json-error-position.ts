/** Where a JSON text first breaks the grammar: the UTF-16 offset and its 1-based line and column. */
export interface JsonErrorPosition {
  offset: number;
  line: number;
  column: number;
}

/**
 * Finds the first syntax error of a JSON text, or undefined when it is valid. Node 20's
 * `JSON.parse` names no position for some errors ("Unexpected token"), so this scan supplies one;
 * it keeps its own stack so that deep nesting cannot overflow the call stack.
 */
export function jsonErrorPosition(text: string): JsonErrorPosition | undefined {
  const offset = firstErrorOffset(text);
  if (offset === undefined) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
}

type State = "value" | "first-value" | "key" | "first-key" | "after";

function firstErrorOffset(text: string): number | undefined {
  const stack: string[] = [];
  let state: State = "value";
  let i = 0;
  for (;;) {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
    const ch = text.charAt(i);
    if (state === "after") {
      const open = stack.at(-1);
      if (open === undefined) return i < text.length ? i : undefined;
      if (ch === ",") state = open === "{" ? "key" : "value";
      else if (ch === (open === "{" ? "}" : "]")) stack.pop();
      else return i;
      i++;
    } else if (state === "key" || state === "first-key") {
      if (state === "first-key" && ch === "}") {
        stack.pop();
        state = "after";
        i++;
        continue;
      }
      if (ch !== '"') return i;
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
      while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
      if (text.charAt(i) !== ":") return i;
      state = "value";
      i++;
    } else if (state === "first-value" && ch === "]") {
      stack.pop();
      state = "after";
      i++;
    } else if (ch === "{" || ch === "[") {
      stack.push(ch);
      state = ch === "{" ? "first-key" : "first-value";
      i++;
    } else {
      const end = scalarEnd(text, i);
      if (end < 0) return -end - 1;
      state = "after";
      i = end;
    }
  }
}

/** The end of the scalar at `at`, or `-(error offset) - 1`. */
function scalarEnd(text: string, at: number): number {
  const ch = text.charAt(at);
  if (ch === '"') return stringEnd(text, at);
  for (const literal of ["true", "false", "null"]) {
    if (ch !== literal.charAt(0)) continue;
    for (let k = 1; k < literal.length; k++)
      if (text.charAt(at + k) !== literal.charAt(k)) return -(at + k) - 1;
    return at + literal.length;
  }
  return numberEnd(text, at);
}

/** The end of the number at `at`, or `-(error offset) - 1` pointing where a digit was due. */
function numberEnd(text: string, at: number): number {
  const isDigit = (k: number) => text.charCodeAt(k) >= 0x30 && text.charCodeAt(k) <= 0x39;
  const digits = (k: number) => {
    let end = k;
    while (isDigit(end)) end++;
    return end;
  };
  let i = text.charAt(at) === "-" ? at + 1 : at;
  if (!isDigit(i)) return -i - 1;
  i = text.charAt(i) === "0" ? i + 1 : digits(i);
  if (text.charAt(i) === ".") {
    if (!isDigit(i + 1)) return -(i + 1) - 1;
    i = digits(i + 1);
  }
  if (text.charAt(i) === "e" || text.charAt(i) === "E") {
    i += "+-".includes(text.charAt(i + 1)) && text.charAt(i + 1) !== "" ? 2 : 1;
    if (!isDigit(i)) return -i - 1;
    i = digits(i);
  }
  return i;
}

/** The offset after the closing quote of the string at `at`, or `-(error offset) - 1`. */
function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return -i - 1;
    if (code !== 0x5c) continue;
    const escaped = text.charAt(i + 1);
    if (escaped === "u") {
      for (let k = i + 2; k < i + 6; k++) if (!/[0-9a-fA-F]/.test(text.charAt(k))) return -k - 1;
      i += 5;
    } else if ('"\\/bfnrt'.includes(escaped) && escaped !== "") {
      i += 1;
    } else {
      return -(i + 1) - 1;
    }
  }
  return -text.length - 1;
}
