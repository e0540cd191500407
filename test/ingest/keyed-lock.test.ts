import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../src/ingest/keyed-lock.js';

describe('KeyedLock', () => {
  it('grants a free key at once', () => {
    const locks = new KeyedLock();

    expect(locks.acquire('a')).toBeNull();
    expect(locks.size).toBe(1);
    locks.release('a');
    expect(locks.size).toBe(0);
  });

  it('grants waiters in the order requested', async () => {
    const locks = new KeyedLock();
    const order: string[] = [];
    expect(locks.acquire('a')).toBeNull();
    const waits = ['second', 'third', 'fourth'].map((name) =>
      locks.acquire('a')!.then(() => {
        order.push(name);
        locks.release('a');
      }),
    );
    await Promise.resolve();
    expect(order).toEqual([]);

    locks.release('a');
    await Promise.all(waits);

    expect(order).toEqual(['second', 'third', 'fourth']);
    expect(locks.size).toBe(0);
  });

  it('keeps keys apart', () => {
    const locks = new KeyedLock();

    expect(locks.acquire('a')).toBeNull();
    expect(locks.acquire('b')).toBeNull();
    expect(locks.acquire('a')).not.toBeNull();
    expect(locks.size).toBe(2);
  });

  it('fails waiters and keeps holders', async () => {
    const locks = new KeyedLock();
    expect(locks.acquire('a')).toBeNull();
    const waiters = [locks.acquire('a'), locks.acquire('a')];
    const error = new Error('store stalled');

    locks.failWaiting(error);
    const outcomes = await Promise.allSettled(waiters);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBe(error);
    expect(locks.size).toBe(1);
    expect(locks.acquire('a')).not.toBeNull();
    locks.release('a');
    locks.release('a');
    expect(locks.size).toBe(0);
  });

  it('frees a key that waiters held in turn', async () => {
    const locks = new KeyedLock();
    expect(locks.acquire('a')).toBeNull();
    const waiter = locks.acquire('a');
    locks.release('a');
    await waiter;

    expect(locks.size).toBe(1);
    locks.release('a');
    expect(locks.size).toBe(0);
    expect(locks.acquire('a')).toBeNull();
  });
});
