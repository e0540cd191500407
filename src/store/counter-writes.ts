// Counter writes that go to Redis in the same step as a monitor's change, such as the digest
// history of a ping. The Lua side is COUNTER_WRITES_FUNCTION in scripts.ts.

export type CounterOp = 'add' | 'max' | 'sample';

/** Writes to hashes and lists, with a time to live for every key they touch. */
export interface CounterWrites {
  keys: string[];
  /** Each key's time to live from now, in ms, in the order of `keys`. */
  timesToLiveMs: number[];
  /** The maximum number of values a sampled list keeps. */
  sampleCap: number;
  /** Five values per write: key number (1 for the first key), op, field, value, extra. */
  writes: (string | number)[];
}

/** Returns the script values of `counters`, or those of no writes for null. */
export function counterWriteArgs(counters: CounterWrites | null): (string | number)[] {
  if (counters === null) return [0, 0, 0];
  const { keys, timesToLiveMs, sampleCap, writes } = counters;
  return [keys.length, ...timesToLiveMs, sampleCap, writes.length / 5, ...writes];
}
