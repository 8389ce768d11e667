import type { EventInfo, SubCodeInfo } from "../recall/types.js";
import type { Style } from "./style.js";

/** A table of event types: name, channel, meaning. */
export function renderEventTable(events: readonly EventInfo[], style: Style): string[] {
  const width = Math.max(...events.map((e) => e.name.length), 10);
  return events.map((e) => {
    const basis = e.basis === "documented" ? "" : style.dim(` (${e.basis})`);
    const channel = e.channel === "svix" ? "" : style.dim(` [${e.channel}]`);
    return `${style.bold(e.name.padEnd(width))}  ${e.description}${channel}${basis}`;
  });
}

/** Sub codes grouped by platform, each with its meaning. */
export function renderSubCodes(subCodes: readonly SubCodeInfo[], style: Style): string[] {
  const width = Math.max(...subCodes.map((s) => s.subCode.length), 10);
  const out: string[] = [];
  let platform: string | null = null;
  for (const s of subCodes) {
    if (s.platform !== platform) {
      platform = s.platform;
      out.push("", style.cyan(`  ${platform.replace(/_/g, " ")}`));
    }
    const basis = s.basis === "documented" ? "" : style.dim(` (${s.basis})`);
    out.push(`    ${s.subCode.padEnd(width)}  ${s.description}${basis}`);
  }
  return out;
}
