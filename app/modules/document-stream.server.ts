// What React writes for a document, joined before it reaches compression and the socket.
import { Transform } from "node:stream";

/**
 * Passes on, as one chunk, everything written to it within one turn of the event loop. React writes a
 * page in pieces of a few kilobytes, and Remix flushes the compressor after every chunk it reads: each
 * piece cost a gzip flush (a thread-pool job) and a socket write, ~13 writes for a 40 KB item page.
 * A page whose data is all loaded renders in one turn, so it now leaves as one chunk; what a Suspense
 * boundary renders later still streams, in the turn it resolves.
 *
 * It never emits `close`: React aborts its render when its destination closes and, on one that has
 * already finished, ends it a second time, building an error (and its stack) on every request for nothing.
 */
export function coalescePerTurn(): Transform {
  let pending: Buffer[] = [];
  let scheduled: NodeJS.Immediate | null = null;
  const take = () => {
    const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending = [];
    return joined;
  };
  const stream = new Transform({
    emitClose: false,
    transform(chunk: Buffer, _encoding, done) {
      pending.push(chunk);
      scheduled ??= setImmediate(() => {
        scheduled = null;
        if (pending.length > 0) stream.push(take());
      });
      done();
    },
    flush(done) {
      if (scheduled) clearImmediate(scheduled);
      scheduled = null;
      done(null, pending.length > 0 ? take() : undefined);
    },
    destroy(error, done) {
      if (scheduled) clearImmediate(scheduled);
      scheduled = null;
      pending = [];
      done(error);
    },
  });
  return stream;
}
