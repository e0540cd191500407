import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';

const coalesced = new WeakSet<Socket>();

/**
 * Makes a Redis client send the commands of one turn of the event loop in one socket write.
 * The socket is corked at the turn's first write and uncorked after the turn's callbacks and
 * promise reactions, so the writes leave as one `writev`. Replies and errors are unchanged.
 *
 * ioredis's own auto-pipelining also groups commands, but it builds a pipeline per turn, and a
 * burst of deadline jobs ran about a tenth slower with it (BENCHMARKS.md, item 25).
 */
export function coalesceWrites(redis: Redis): void {
  const coalesceStream = () => {
    // ioredis opens a new socket on every reconnect and emits `connect` for each one.
    const stream = (redis as unknown as { stream?: Socket }).stream;
    if (stream === undefined || coalesced.has(stream)) return;
    coalesced.add(stream);
    const write = stream.write;
    let corked = false;
    const uncork = () => {
      corked = false;
      stream.uncork();
    };
    stream.write = function coalescedWrite(this: Socket, ...args: Parameters<Socket['write']>) {
      if (!corked) {
        corked = true;
        stream.cork();
        process.nextTick(uncork);
      }
      return write.apply(this, args);
    } as Socket['write'];
  };
  redis.on('connect', coalesceStream);
  coalesceStream();
}
