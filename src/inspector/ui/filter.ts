// The filter language of the inspector's list (inspector.md §5.5), pure so the tests run it without
// a browser: `event:bot.* bot:8ef3 sub:zoom_* verified:no forward:failed`, `-key:value` negates,
// other words match the id, event, bot or sub code. Terms are ANDed.

export interface Row {
  readonly id: string | null;
  readonly event: string | null;
  readonly bot_id: string | null;
  readonly code: string | null;
  readonly sub_code: string | null;
  readonly verified: boolean | null;
  readonly scheme: string | null;
  readonly duplicate: boolean;
  readonly late: boolean;
  readonly known_sub_code: boolean;
  /** "ok", "failed", "pending" or "none". */
  readonly forward: string;
  readonly forward_status: number | null;
  readonly pinned: boolean;
}

export interface Term {
  readonly key: string | null;
  readonly value: string;
  readonly negated: boolean;
}

export const KEYS = ["event", "bot", "id", "code", "sub", "verified", "scheme", "dup", "late", "forward", "is"] as const;

export function parseFilter(text: string): Term[] {
  const terms: Term[] = [];
  for (const word of text.trim().split(/\s+/)) {
    if (word === "" || word === "-") continue;
    const negated = word.startsWith("-");
    const body = negated ? word.slice(1) : word;
    const at = body.indexOf(":");
    const key = at > 0 ? body.slice(0, at).toLowerCase() : null;
    if (key !== null && (KEYS as readonly string[]).includes(key)) terms.push({ key, value: body.slice(at + 1), negated });
    else terms.push({ key: null, value: body, negated });
  }
  return terms;
}

export function matches(row: Row, terms: readonly Term[]): boolean {
  return terms.every((t) => matchTerm(row, t) !== t.negated);
}

function glob(pattern: string, value: string | null): boolean {
  if (value === null) return false;
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(value);
}

function yes(value: string): boolean | null {
  const v = value.toLowerCase();
  if (["yes", "y", "true", "1", "ok"].includes(v)) return true;
  if (["no", "n", "false", "0"].includes(v)) return false;
  return null;
}

function matchTerm(row: Row, t: Term): boolean {
  const v = t.value;
  switch (t.key) {
    case "event": return glob(v.includes("*") ? v : `${v}`, row.event);
    case "bot": return row.bot_id !== null && row.bot_id.toLowerCase().includes(v.toLowerCase());
    case "id": return row.id !== null && row.id.toLowerCase().includes(v.toLowerCase());
    case "code": return glob(v, row.code);
    case "sub": return v.toLowerCase() === "unknown" ? row.sub_code !== null && !row.known_sub_code : glob(v, row.sub_code);
    case "verified": return (row.verified === true) === (yes(v) ?? true);
    case "scheme": return glob(v, row.scheme);
    case "dup": return row.duplicate === (yes(v) ?? true);
    case "late": return row.late === (yes(v) ?? true);
    case "is": return v === "pinned" ? row.pinned : v === "late" ? row.late : v === "dup" ? row.duplicate : false;
    case "forward": return forwardMatches(row, v.toLowerCase());
    default: {
      const needle = v.toLowerCase();
      return [row.id, row.event, row.bot_id, row.sub_code, row.code].some((f) => f !== null && f.toLowerCase().includes(needle));
    }
  }
}

function forwardMatches(row: Row, v: string): boolean {
  const cmp = /^(>=|<=|>|<|=)?(\d{3})$/.exec(v);
  if (cmp) {
    const s = row.forward_status;
    if (s === null) return false;
    const n = Number(cmp[2]);
    switch (cmp[1]) {
      case ">=": return s >= n;
      case "<=": return s <= n;
      case ">": return s > n;
      case "<": return s < n;
      default: return s === n;
    }
  }
  return row.forward === v;
}
