/** One call of a batched script: its keys and its values, in the script's order. */
export interface BatchItem {
  keys: string[];
  args: (string | number)[];
}

interface Pending<Item, Reply> {
  item: Item;
  resolve: (reply: Reply) => void;
  reject: (error: unknown) => void;
}

/**
 * Sends the items that arrive in the same turn of the event loop together, in chunks of at
 * most `maxItems`, with one call of `send` per chunk that returns one reply per item. When a
 * call fails as a whole, every item in it fails with that error.
 */
export class TurnBatcher<Item, Reply> {
  private pending: Pending<Item, Reply>[] = [];

  constructor(
    private readonly send: (items: Item[]) => Promise<Reply[]>,
    /** Items per call, so one call does not keep Redis busy for long. */
    private readonly maxItems: number,
  ) {}

  run(item: Item): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ item, resolve, reject });
    });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (let start = 0; start < pending.length; start += this.maxItems) {
      const chunk = pending.slice(start, start + this.maxItems);
      this.send(chunk.map(({ item }) => item)).then(
        (replies) => {
          for (let i = 0; i < chunk.length; i++) chunk[i]!.resolve(replies[i] as Reply);
        },
        (error: unknown) => {
          for (const { reject } of chunk) reject(error);
        },
      );
    }
  }
}

type SendBatch = (keys: string[], args: (string | number)[]) => Promise<unknown[]>;

/**
 * Sends the calls of a script that arrive in the same turn of the event loop as one call, so
 * that many concurrent pings share one round trip to Redis and one command's overhead in the
 * client. Each item's values are sent after their count, and the script returns one reply per
 * item. When the call as a whole fails, every item in it fails with that error.
 */
export class ScriptBatcher {
  private readonly batcher: TurnBatcher<BatchItem, unknown>;

  constructor(send: SendBatch, maxItems = 64) {
    this.batcher = new TurnBatcher((items) => {
      const keys: string[] = [];
      const args: (string | number)[] = [];
      for (const item of items) {
        keys.push(...item.keys);
        args.push(item.args.length, ...item.args);
      }
      return send(keys, args);
    }, maxItems);
  }

  run(item: BatchItem): Promise<unknown> {
    return this.batcher.run(item);
  }
}
