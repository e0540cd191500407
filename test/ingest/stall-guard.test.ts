import { describe, expect, it } from 'vitest';
import { StoreStalledError } from '../../src/ingest/recorder.js';
import { StallGuard } from '../../src/ingest/stall-guard.js';

const never = () => new Promise<never>(() => {});
const resolveAfter = (ms: number, value: string) =>
  new Promise<string>((resolve) => setTimeout(() => resolve(value), ms));

describe('StallGuard', () => {
  it('passes results and errors through', async () => {
    const guard = new StallGuard(200);
    expect(await guard.guard(Promise.resolve('stored'))).toBe('stored');
    await expect(guard.guard(Promise.reject(new Error('script failed')))).rejects.toThrow(
      'script failed',
    );
  });

  it('fails every waiting call once the store stalls', async () => {
    const guard = new StallGuard(200);
    const started = Date.now();
    const results = await Promise.allSettled([guard.guard(never()), guard.guard(never())]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    const reason = (results[0] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(StoreStalledError);
    expect(String(reason)).toMatch(/did not respond for \d+ ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('lets onStall fail calls with their own errors first', async () => {
    let failQueued = (_error: Error) => {};
    const queued = new Promise<never>((_resolve, reject) => {
      failQueued = reject;
    });
    const notSent = new StoreStalledError('queued behind an earlier ping', { sent: false });
    let stalls = 0;
    const guard = new StallGuard(200, Date.now, () => {
      stalls += 1;
      failQueued(notSent);
    });

    const results = await Promise.allSettled([guard.guard(never()), guard.guard(queued)]);

    expect(stalls).toBe(1);
    const [sent, dropped] = results.map((result) => (result as PromiseRejectedResult).reason);
    expect(sent).toBeInstanceOf(StoreStalledError);
    expect((sent as StoreStalledError).sent).toBe(true);
    expect(dropped).toBe(notSent);
  });

  it('keeps a slow call while others finish', async () => {
    const guard = new StallGuard(300);
    const slow = guard.guard(resolveAfter(600, 'slow'));
    for (let i = 0; i < 6; i++) await guard.guard(resolveAfter(100, 'quick'));
    expect(await slow).toBe('slow');
  });
});
