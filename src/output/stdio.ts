import { fstatSync, writeSync } from "node:fs";

type Std = NodeJS.WriteStream;

/**
 * stdout or stderr for a short command (sign, verify, events, help): its text is written with
 * fs.writeSync while the descriptor is a file or a pipe, and node's stream is made only when
 * something needs more than `write` and `isTTY` (a terminal, a spinner, a drain). Making the stream
 * of a pipe loads node:net and node:stream: about a fifth of such a command's start (npm run bench,
 * start-up). Output is the same bytes in the same order: nothing is buffered before the stream
 * exists, and once it does every write goes through it.
 */
export function directStdio(fd: number, stream: () => Std, onBroken: () => void): Std {
  let made: Std | null = null;
  const real = (): Std => (made ??= stream());
  // Files, pipes and sockets take direct writes; a terminal (or any other device) gets the stream.
  let direct = fileOrPipe(fd);
  const write = (chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
    const done = typeof encoding === "function" ? encoding : callback;
    if (direct && made === null) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? encoding as BufferEncoding : "utf8") : chunk;
      let offset = 0;
      try {
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
        if (typeof done === "function") process.nextTick(done as () => void);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EPIPE") {
          onBroken();
          return false;
        }
        // A descriptor left non-blocking by another process (EAGAIN), or anything odd: the stream
        // takes the rest, after the bytes already written.
        direct = false;
        return real().write(bytes.subarray(offset), done as () => void);
      }
    }
    return real().write(chunk, encoding as BufferEncoding, done as () => void);
  };
  return new Proxy({} as Std, {
    get(_target, key) {
      if (key === "write") return write;
      if (made === null && direct) {
        if (key === "isTTY") return false;
        if (key === "writableLength") return 0;
        if (key === "columns") return undefined;
      }
      const value = Reflect.get(real(), key) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(real()) : value;
    },
    set(_target, key, value) {
      return Reflect.set(real(), key, value);
    },
  });
}

function fileOrPipe(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFile() || stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}
