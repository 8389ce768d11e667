import type { VerifyResult } from "../webhook/verify.js";
import { neutralize } from "./sanitize.js";
import type { Style } from "./style.js";

/** One line: the mark, the reason, the id, and what to do. */
export function renderVerdict(result: VerifyResult, label: string | null, style: Style): string {
  const where = label ? `${style.dim(neutralize(label))}  ` : "";
  const id = result.id ? `  ${style.dim(neutralize(result.id))}` : "";
  if (result.valid) return `${where}${style.green("✓ valid")} ${result.scheme}-*${id}`;
  return `${where}${style.red(`✗ ${result.reason}`)}${id}: ${neutralize(result.message)}`;
}
