import { type TunnelProvider, TunnelError } from "./tunnel.js";

export interface NgrokOptions {
  readonly authtoken: string;
  /** A static domain (`my-app.ngrok-free.app`), so the URL in Recall's dashboard never changes. */
  readonly domain?: string;
  /** ngrok's server_addr: the ingress to dial, for custom ngrok ingresses. */
  readonly serverAddr?: string;
}

/** ngrok in library form: @ngrok/ngrok is imported only when a tunnel is asked for. */
export function ngrokProvider(options: NgrokOptions): TunnelProvider {
  let close: (() => Promise<void>) | null = null;
  return {
    name: "ngrok",
    async open(port, hooks) {
      let connected = false;
      try {
        const ngrok = (await import("@ngrok/ngrok")).default;
        const listener = await ngrok.forward({
          addr: `127.0.0.1:${port}`,
          authtoken: options.authtoken,
          ...(options.domain !== undefined && { domain: options.domain }),
          ...(options.serverAddr !== undefined && { server_addr: options.serverAddr }),
          onStatusChange: (status: string) => {
            if (!connected) return;
            if (status === "closed") hooks.onLost("ngrok session lost; ngrok is reconnecting");
            else if (status === "connected") hooks.onRestored();
          },
        });
        connected = true;
        close = () => listener.close();
        const url = listener.url();
        if (!url) throw new TunnelError("ngrok opened a tunnel without a URL", true);
        return url;
      } catch (error) {
        throw explain(error);
      }
    },
    async close() {
      await close?.();
    },
  };
}

/** One line that says what went wrong and whether retrying can help. */
function explain(error: unknown): TunnelError {
  if (error instanceof TunnelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { errorCode?: string }).errorCode ?? "";
  if (/ERR_NGROK_(105|106|107|108|4018)\b/.test(`${code} ${message}`) || /authtoken|authentication failed/i.test(message)) {
    return new TunnelError(`ngrok refused the authtoken (${code || "auth"}): copy it again from https://dashboard.ngrok.com/get-started/your-authtoken`, false);
  }
  if (/ERR_NGROK_(313|314|315|319|320|326)\b/.test(code) || /domain/i.test(message)) {
    return new TunnelError(`ngrok refused the domain${code ? ` (${code})` : ""}: use a domain your ngrok account owns (Domains in the ngrok dashboard)`, false);
  }
  if (/failed to (connect|establish)|dns|tcp connection|network/i.test(message)) {
    return new TunnelError("ngrok could not reach its servers: no network? The listener keeps serving locally", true);
  }
  // ngrok's own wording is not shown; its error code has a page of its own.
  const found = /ERR_NGROK_\d+/.exec(`${code} ${message}`)?.[0];
  return new TunnelError(found ? `ngrok failed with ${found}: see https://ngrok.com/docs/errors/${found.toLowerCase().replace(/_/g, "-")}/` : "ngrok failed without an error code: check your network and authtoken; the listener keeps serving locally", true);
}
