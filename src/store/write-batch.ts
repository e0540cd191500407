/** One call of a batched script: its keys and its values, in the script's order. */
export interface BatchItem {
  keys: string[];
  args: (string | number)[];
}

type SendBatch = (keys: string[], args: (string | number)[]) => Promise<unknown[]>;

interface Pending {
  item: BatchItem;
  resolve: (reply: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Sends the calls of a script that arrive in the same turn of the event loop as one call, so
 * that many concurrent pings share one round trip to Redis and one command's overhead in the
 * client. Each item's values are sent after their count, and the script returns one reply per
 * item. When the call as a whole fails, every item in it fails with that error.
 */
export class ScriptBatcher {
  private pending: Pending[] = [];

  constructor(
    private readonly send: SendBatch,
    /** Items per call, so one call does not keep Redis busy for long. */
    private readonly maxItems = 64,
  ) {}

  run(item: BatchItem): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ item, resolve, reject });
    });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (let start = 0; start < pending.length; start += this.maxItems) {
      this.sendChunk(pending.slice(start, start + this.maxItems));
    }
  }

  private sendChunk(chunk: Pending[]): void {
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const { item } of chunk) {
      keys.push(...item.keys);
      args.push(item.args.length, ...item.args);
    }
    this.send(keys, args).then(
      (replies) => {
        for (let i = 0; i < chunk.length; i++) chunk[i]!.resolve(replies[i]);
      },
      (error: unknown) => {
        for (const { reject } of chunk) reject(error);
      },
    );
  }
}
