import type { DeliveryResult } from "../webhook/deliver.js";
import { formatMs } from "./format.js";
import { neutralize } from "./sanitize.js";
import type { Style } from "./style.js";

export interface DeliveryLine {
  readonly id: string;
  readonly url: string;
  readonly result: DeliveryResult;
  readonly hint: string | null;
  readonly attempt?: number;
  readonly indent?: string;
}

/** `<-- 200 POST http://... 34 ms msg_...`, then the body and a hint on failure. */
export function renderDeliveryResult(line: DeliveryLine, style: Style): string[] {
  const { result } = line;
  const indent = line.indent ?? "";
  const status = result.status === null ? style.red(result.error ?? "error") : result.ok ? style.green(String(result.status)) : style.red(String(result.status));
  const attempt = line.attempt !== undefined && line.attempt > 1 ? style.dim(` attempt ${line.attempt}`) : "";
  const out = [`${indent}${style.dim("<--")} ${status} POST ${neutralize(line.url)}  ${formatMs(result.latencyMs)}  ${style.dim(neutralize(line.id))}${attempt}`];
  if (!result.ok) {
    if (result.errorMessage) out.push(`${indent}    ${style.red(neutralize(result.errorMessage))}`);
    if (result.body) out.push(`${indent}    ${style.dim("body:")} ${neutralize(result.body.trim().slice(0, 300))}`);
    if (line.hint) out.push(`${indent}    ${style.yellow("hint:")} ${neutralize(line.hint)}`);
  }
  return out;
}
