// Suggestions for a mistyped name: a config key, an event pattern.

/** The candidate nearest to `name` (case, dashes and underscores aside), or null when none is near. */
export function closestName(name: string, candidates: readonly string[]): string | null {
  const plain = (text: string): string => text.toLowerCase().replace(/[-_]/g, "");
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(plain(name).length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(plain(name), plain(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = row;
  }
  return previous[b.length]!;
}
