// C0 and C1 control characters (and DEL), except none: even newlines inside payload text would
// break the one-line-per-event layout.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Makes payload text safe to print: control characters become visible escapes (`\x1b`). */
export function neutralize(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
