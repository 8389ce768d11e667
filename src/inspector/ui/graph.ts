// Recall's bot status graph (served by /api/graph from src/recall/lifecycle.ts) as a small SVG, with
// the path one bot took drawn over it: edges it took in colour, a step the graph does not have in red,
// inferred edges dashed (Recall publishes the diagram only as an image).

export interface Graph {
  readonly transitions: readonly { from: string; to: string; basis: string }[];
  readonly ranks: Readonly<Record<string, number>>;
}

const SVG = "http://www.w3.org/2000/svg";
const W = 196;
const H = 26;
const GAP_X = 16;
const GAP_Y = 26;
const MAIN_MAX_RANK = 6;
/** Left to right within a rank: the usual path first, so its steps sit side by side. */
const ORDER = ["in_call_not_recording", "recording_permission_allowed", "in_call_recording", "recording_permission_denied", "done", "fatal"];

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** `path`: the bot's statuses in updated_at order. */
export function statusGraph(graph: Graph, path: readonly string[]): SVGElement {
  const visited = new Set(path);
  const codes = Object.keys(graph.ranks).filter((c) => (graph.ranks[c]! >= 1 && graph.ranks[c]! <= MAIN_MAX_RANK && c !== "recording_done") || visited.has(c));
  const rows = new Map<number, string[]>();
  const place = (c: string): number => { const i = ORDER.indexOf(c); return i === -1 ? ORDER.length : i; };
  for (const code of codes.sort((a, b) => place(a) - place(b))) rows.set(graph.ranks[code]!, [...(rows.get(graph.ranks[code]!) ?? []), code]);
  const unknown = path.filter((c) => graph.ranks[c] === undefined);
  if (unknown.length) rows.set(99, [...new Set(unknown)]);
  const order = [...rows.keys()].sort((a, b) => a - b);
  const widest = Math.max(...[...rows.values()].map((r) => r.length));
  const width = widest * (W + GAP_X);
  const at = new Map<string, { x: number; y: number }>();
  order.forEach((rank, row) => {
    const list = rows.get(rank)!;
    const offset = (width - list.length * (W + GAP_X)) / 2;
    list.forEach((code, i) => at.set(code, { x: offset + i * (W + GAP_X) + GAP_X / 2, y: row * (H + GAP_Y) + 4 }));
  });
  const svg = el("svg", { class: "graph", viewBox: `0 0 ${width} ${order.length * (H + GAP_Y)}`, role: "img", "aria-label": `status graph, path: ${path.join(" → ")}` });
  const defs = el("defs", {});
  for (const kind of ["edge", "taken", "illegal"]) {
    const marker = el("marker", { id: `arrow-${kind}`, viewBox: "0 0 8 8", refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.appendChild(el("path", { d: "M0,0 L8,4 L0,8 z", class: `head ${kind}` }));
    defs.appendChild(marker);
  }
  svg.appendChild(defs);
  const taken = new Set(path.slice(1).map((to, i) => `${path[i]}>${to}`));
  const known = new Set(graph.transitions.map((t) => `${t.from}>${t.to}`));
  const line = (from: string, to: string, kind: string, dashed: boolean): void => {
    const a = at.get(from);
    const b = at.get(to);
    if (!a || !b) return;
    let d: string;
    if (a.y === b.y && Math.abs(a.x - b.x) <= W + GAP_X + 1) {
      const [x1, x2] = a.x < b.x ? [a.x + W, b.x] : [a.x, b.x + W];
      d = `M${x1},${a.y + H / 2 + (a.x < b.x ? -4 : 4)} L${x2},${b.y + H / 2 + (a.x < b.x ? -4 : 4)}`;
    } else if (a.y === b.y) {
      // Not neighbours: an arc under the row, clear of the nodes between.
      d = `M${a.x + W / 2},${a.y + H} Q${(a.x + b.x) / 2 + W / 2},${a.y + H + GAP_Y * 0.9} ${b.x + W / 2},${b.y + H}`;
    } else {
      const down = b.y > a.y;
      d = `M${a.x + W / 2},${down ? a.y + H : a.y} L${b.x + W / 2},${down ? b.y : b.y + H}`;
    }
    svg.appendChild(el("path", { d, class: `link ${kind}${dashed ? " inferred" : ""}`, "marker-end": `url(#arrow-${kind})` }));
  };
  for (const t of graph.transitions) if (!taken.has(`${t.from}>${t.to}`)) line(t.from, t.to, "edge", t.basis !== "documented");
  for (const step of taken) {
    const [from, to] = step.split(">") as [string, string];
    line(from, to, known.has(step) ? "taken" : "illegal", false);
  }
  for (const [code, p] of at) {
    const g = el("g", { class: `state${visited.has(code) ? " visited" : ""}${code === path.at(-1) ? " last" : ""}`, "data-code": code });
    g.appendChild(el("rect", { x: p.x, y: p.y, width: W, height: H, rx: 6 }));
    g.appendChild(el("text", { x: p.x + W / 2, y: p.y + H / 2 + 4, "text-anchor": "middle" }, code));
    svg.appendChild(g);
  }
  return svg;
}
