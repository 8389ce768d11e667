// Recall's two list styles: List Bots is page-based with `{count, next, previous, results}` and full
// URLs; the newer lists (recordings, transcripts, media) are cursor-based `{next, previous, results}`.

export interface Page<T> {
  readonly count?: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: T[];
}

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

function pageSize(query: URLSearchParams): number {
  const n = Number(query.get("page_size") ?? DEFAULT_PAGE_SIZE);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
}

function withParam(url: URL, name: string, value: string | null): string {
  const copy = new URL(url);
  if (value === null) copy.searchParams.delete(name);
  else copy.searchParams.set(name, value);
  return copy.href;
}

/** `?page=N` (from 1); null when the page does not exist, which DRF answers with 404. */
export function pageOf<T>(items: readonly T[], url: URL): Page<T> | null {
  const size = pageSize(url.searchParams);
  const page = Number(url.searchParams.get("page") ?? 1);
  if (!Number.isInteger(page) || page < 1 || (page > 1 && (page - 1) * size >= items.length)) return null;
  const start = (page - 1) * size;
  return {
    count: items.length,
    next: start + size < items.length ? withParam(url, "page", String(page + 1)) : null,
    previous: page > 1 ? withParam(url, "page", page === 2 ? null : String(page - 1)) : null,
    results: items.slice(start, start + size),
  };
}

/** `?cursor=...`: an opaque offset, so apps must follow `next` as Recall's do. */
export function cursorOf<T>(items: readonly T[], url: URL): Page<T> {
  const size = pageSize(url.searchParams);
  const raw = url.searchParams.get("cursor");
  const offset = raw === null ? 0 : Number(Buffer.from(raw, "base64url").toString("utf8").replace(/^o=/, "")) || 0;
  const cursor = (o: number): string => Buffer.from(`o=${o}`).toString("base64url");
  return {
    next: offset + size < items.length ? withParam(url, "cursor", cursor(offset + size)) : null,
    previous: offset > 0 ? withParam(url, "cursor", offset - size <= 0 ? null : cursor(offset - size)) : null,
    results: items.slice(offset, offset + size),
  };
}
