type SendMget = (keys: string[]) => Promise<(string | null)[]>;

interface PendingRead {
  key: string;
  resolve: (value: string | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads the keys requested in the same turn of the event loop with one MGET, so that many
 * deadline jobs running at once share a round trip to Redis. When the MGET fails, every read
 * in it fails with that error.
 */
export class GetBatcher {
  private pending: PendingRead[] = [];

  constructor(
    private readonly send: SendMget,
    /** Keys per MGET, so one call does not keep Redis busy for long. */
    private readonly maxKeys = 128,
  ) {}

  get(key: string): Promise<string | null> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ key, resolve, reject });
    });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (let start = 0; start < pending.length; start += this.maxKeys) {
      const chunk = pending.slice(start, start + this.maxKeys);
      this.send(chunk.map((read) => read.key)).then(
        (values) => {
          for (let i = 0; i < chunk.length; i++) chunk[i]!.resolve(values[i] ?? null);
        },
        (error: unknown) => {
          for (const { reject } of chunk) reject(error);
        },
      );
    }
  }
}
