/** The emulator origin from RECALL_HOOKS_EMULATOR, or why there is none (said once, on stderr, by the preload). */
export function redirectOrigin(value: string | undefined): { origin: string | null; problem: string } {
  if (value === undefined || value.trim() === "") {
    return { origin: null, problem: "RECALL_HOOKS_EMULATOR is not set, so requests to *.recall.ai still go to Recall: set it to the emulator's URL (http://127.0.0.1:8080)." };
  }
  try {
    const url = new URL(value.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http");
    return { origin: url.origin, problem: "" };
  } catch {
    return { origin: null, problem: `RECALL_HOOKS_EMULATOR="${value}" is not an http:// URL, so requests to *.recall.ai still go to Recall: set it to the emulator's URL (http://127.0.0.1:8080).` };
  }
}
