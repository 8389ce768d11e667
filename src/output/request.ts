import type { SignedRequest } from "../webhook/sign.js";

/** `name: value` lines for the signature headers. */
export function renderSignedHeaders(signed: SignedRequest): string[] {
  return Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`);
}

/** A curl command that sends exactly the signed bytes. */
export function renderCurl(signed: SignedRequest, url: URL): string {
  const headers = [["content-type", "application/json"], ...Object.entries(signed.headers)]
    .map(([name, value]) => `  -H ${shellQuote(`${name}: ${value}`)} \\`);
  return [`curl -sS -X POST ${shellQuote(url.href)} \\`, ...headers, `  --data-binary ${shellQuote(signed.body)}`].join("\n");
}

/** The raw HTTP/1.1 request, CRLF line ends, ready for `nc`. */
export function renderHttp(signed: SignedRequest, url: URL): string {
  const lines = [
    `POST ${url.pathname}${url.search} HTTP/1.1`,
    `host: ${url.host}`,
    "content-type: application/json",
    `content-length: ${Buffer.byteLength(signed.body)}`,
    ...renderSignedHeaders(signed),
    "",
    signed.body,
  ];
  return lines.join("\r\n");
}

/** Single-quotes a string for POSIX shells. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
