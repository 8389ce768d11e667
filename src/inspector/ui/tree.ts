import { copyText, h } from "./dom.js";

// The payload as a tree of <details>: natively keyboard-accessible (Enter/Space open and close);
// arrows move between nodes, `y` copies the focused node's path and `v` its value.

export function pathOf(parts: readonly (string | number)[]): string {
  return parts.map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `${i === 0 ? "" : "."}${p}` : `[${JSON.stringify(p)}]`)).join("");
}

function preview(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (value !== null && typeof value === "object") return `{${Object.keys(value).length}}`;
  return JSON.stringify(value) ?? String(value);
}

function node(key: string | number | null, value: unknown, parts: (string | number)[], depth: number): HTMLElement {
  const path = pathOf(parts);
  const label = key === null ? "" : `${typeof key === "number" ? key : key}: `;
  const tools = h("span", { class: "tools" },
    h("button", { type: "button", class: "mini", title: "copy path", tabindex: "-1", onclick: () => void copyText(path) }, "path"),
    h("button", { type: "button", class: "mini", title: "copy value", tabindex: "-1", onclick: () => void copyText(JSON.stringify(value, null, 2)) }, "value"));
  if (value !== null && typeof value === "object") {
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const details = h("details", { "data-path": path });
    if (depth < 3) details.setAttribute("open", "");
    const summary = h("summary", { class: "node", "data-path": path, "data-value": JSON.stringify(value) },
      h("span", { class: "key" }, label), h("span", { class: "count" }, preview(value)), tools);
    details.appendChild(summary);
    let filled = false;
    const fill = (): void => {
      if (filled) return;
      filled = true;
      for (const [k, v] of entries) details.appendChild(node(k, v, [...parts, k], depth + 1));
    };
    if (depth < 3) fill();
    details.addEventListener("toggle", fill);
    return details;
  }
  return h("div", { class: "node leaf", tabindex: "0", "data-path": path, "data-value": JSON.stringify(value) },
    h("span", { class: "key" }, label), h("span", { class: `val ${value === null ? "null" : typeof value}` }, JSON.stringify(value) ?? ""), tools);
}

export function jsonTree(value: unknown): HTMLElement {
  const root = h("div", { class: "tree", role: "tree" }, node(null, value, [], 0));
  root.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement;
    if (!target.classList.contains("node")) return;
    const nodes = [...root.querySelectorAll<HTMLElement>(".node")].filter((n) => n.offsetParent !== null);
    const at = nodes.indexOf(target);
    const details = target.tagName === "SUMMARY" ? (target.parentElement as HTMLDetailsElement) : null;
    const key = event.key;
    if (key === "ArrowDown" || key === "ArrowUp") nodes[at + (key === "ArrowDown" ? 1 : -1)]?.focus();
    else if (key === "ArrowRight" && details) details.open = true;
    else if (key === "ArrowLeft" && details) details.open = false;
    else if (key === "y") void copyText(target.dataset["path"] ?? "");
    else if (key === "v") void copyText(target.dataset["value"] ?? "");
    else return;
    event.preventDefault();
    event.stopPropagation();
  });
  return root;
}

export interface Change {
  readonly path: string;
  readonly kind: "added" | "removed" | "changed";
  readonly before?: unknown;
  readonly after?: unknown;
}

/** A structural diff: every path whose value differs, was added or was removed. */
export function diff(a: unknown, b: unknown, parts: (string | number)[] = [], out: Change[] = []): Change[] {
  const bothObjects = a !== null && b !== null && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: pathOf(parts) || "(root)", kind: "changed", before: a, after: b });
    return out;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) {
    const key: string | number = Array.isArray(a) ? Number(k) : k;
    if (!(k in bo)) out.push({ path: pathOf([...parts, key]), kind: "removed", before: ao[k] });
    else if (!(k in ao)) out.push({ path: pathOf([...parts, key]), kind: "added", after: bo[k] });
    else diff(ao[k], bo[k], [...parts, key], out);
  }
  return out;
}
