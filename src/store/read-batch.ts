import { TurnBatcher } from './write-batch.js';

/**
 * Reads the keys requested in the same turn of the event loop with one MGET, so that many
 * deadline jobs running at once share a round trip to Redis. When the MGET fails, every read
 * in it fails with that error.
 */
export class GetBatcher {
  private readonly batcher: TurnBatcher<string, string | null>;

  constructor(send: (keys: string[]) => Promise<(string | null)[]>, maxKeys = 128) {
    this.batcher = new TurnBatcher(send, maxKeys);
  }

  get(key: string): Promise<string | null> {
    return this.batcher.run(key);
  }
}
