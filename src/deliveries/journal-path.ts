import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { RecallHooksError } from "../errors.js";

/** Why a journal path cannot be used; src/error-messages.ts words each code with the flag that fixes it. */
export type JournalPathProblem = "is_folder" | "parent_not_folder" | "not_writable";

const CODES = { is_folder: "E_JOURNAL_IS_FOLDER", parent_not_folder: "E_JOURNAL_PARENT_NOT_FOLDER", not_writable: "E_JOURNAL_NOT_WRITABLE" } as const;
const WORDS = { is_folder: "it is a folder", parent_not_folder: "a file is in the way", not_writable: "no permission to write" } as const;

/** details: `path` (the journal asked for), `at` (the file in the way, or the folder that could not be written). */
export class JournalPathError extends RecallHooksError {
  constructor(problem: JournalPathProblem, path: string, at: string, cause?: unknown) {
    super(CODES[problem], `Cannot keep a journal at ${path}: ${WORDS[problem]} (${at}).`, { path, at }, { cause });
  }
}

const NO_PERMISSION = new Set(["EACCES", "EPERM", "EROFS", "ENOENT"]);

/**
 * Makes sure a journal file can be opened at `path`: the path, if it exists, is not a folder, and
 * its missing parent folders are created (as the default `.recall-hooks/` is). Folders are made one
 * at a time: node's recursive mkdir spins forever under /proc.
 */
export async function prepareJournalPath(path: string): Promise<void> {
  const existing = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOTDIR") return "parent_not_folder" as const;
    return null;
  });
  if (existing === "parent_not_folder") throw new JournalPathError("parent_not_folder", path, await fileInTheWay(path), undefined);
  if (existing?.isDirectory()) throw new JournalPathError("is_folder", path, path);
  if (!existing) await makeFolders(path, dirname(path));
}

async function makeFolders(path: string, folder: string): Promise<void> {
  const found = await stat(folder).catch(() => null);
  if (found?.isDirectory()) return;
  if (found) throw new JournalPathError("parent_not_folder", path, folder);
  const parent = dirname(folder);
  if (parent !== folder) await makeFolders(path, parent);
  try {
    await mkdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "EEXIST") return;
    if (NO_PERMISSION.has(code)) throw new JournalPathError("not_writable", path, parent, error);
    throw error;
  }
}

/** The nearest ancestor of `path` that exists and is not a folder. */
async function fileInTheWay(path: string): Promise<string> {
  for (let at = dirname(path); at !== dirname(at); at = dirname(at)) {
    const found = await stat(at).catch(() => null);
    if (found && !found.isDirectory()) return at;
  }
  return dirname(path);
}

/** An error from opening the journal file itself, in the same terms. */
export function journalOpenError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (NO_PERMISSION.has(code)) return new JournalPathError("not_writable", path, path, error);
  if (code === "EISDIR") return new JournalPathError("is_folder", path, path, error);
  return error;
}
