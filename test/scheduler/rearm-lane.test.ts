import { afterEach, describe, expect, it, vi } from 'vitest';
import { RearmLane } from '../../src/scheduler/rearm-lane.js';

/** Builds a re-arm that records its start and finishes when the test calls `finish`. */
function task(started: string[], name: string) {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const run = () => {
    started.push(name);
    return done;
  };
  return { run, finish };
}

/** Lets the lane's promise reactions and immediate callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('the re-arm lane', () => {
  it('runs at once when no job is busy', async () => {
    const lane = new RearmLane();
    const started: string[] = [];
    const a = task(started, 'a');
    lane.add(a.run);
    expect(started).toEqual(['a']);
    a.finish();
    await lane.drain();
    expect(lane.waiting).toBe(0);
  });

  it('holds re-arms while jobs are busy', async () => {
    const lane = new RearmLane();
    const started: string[] = [];
    const leaveFirst = lane.enter();
    const leaveSecond = lane.enter();
    lane.add(task(started, 'a').run);
    lane.add(task(started, 'b').run);
    leaveFirst();
    // Leaving twice counts once: the second job is still busy.
    leaveFirst();
    await settle();
    expect(started).toEqual([]);
    expect(lane.waiting).toBe(2);
    leaveSecond();
    expect(started).toEqual(['a', 'b']);
    expect(lane.waiting).toBe(0);
  });

  it('runs a re-arm after its max wait', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const lane = new RearmLane({ maxWaitMs: 2000, clock: Date.now });
    const started: string[] = [];
    lane.enter();
    lane.add(task(started, 'early').run);
    await vi.advanceTimersByTimeAsync(1500);
    lane.add(task(started, 'late').run);
    await vi.advanceTimersByTimeAsync(499);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual(['early']);
    await vi.advanceTimersByTimeAsync(1499);
    expect(started).toEqual(['early']);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual(['early', 'late']);
  });

  it('holds nothing with no max wait', () => {
    const lane = new RearmLane({ maxWaitMs: 0 });
    const started: string[] = [];
    lane.enter();
    lane.add(task(started, 'a').run);
    expect(started).toEqual(['a']);
  });

  it('keeps order under steady load', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const lane = new RearmLane({ maxWaitMs: 10, clock: Date.now });
    // A job stays busy throughout, so held re-arms remain while the first ones start, and the
    // queue is compacted several times.
    lane.enter();
    const started: number[] = [];
    for (let i = 0; i < 5000; i++) {
      lane.add(async () => {
        started.push(i);
      });
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(lane.waiting).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(lane.waiting).toBe(0);
    expect(started).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('caps re-arms at its concurrency', async () => {
    const lane = new RearmLane({ concurrency: 2 });
    const started: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => task(started, name));
    for (const t of tasks) lane.add(t.run);
    expect(started).toEqual(['a', 'b']);
    tasks[1]!.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    tasks[0]!.finish();
    tasks[2]!.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    tasks[3]!.finish();
    await lane.drain();
  });

  it('drains while jobs are busy', async () => {
    const lane = new RearmLane({ concurrency: 1 });
    const started: string[] = [];
    lane.enter();
    const tasks = ['a', 'b'].map((name) => task(started, name));
    for (const t of tasks) lane.add(t.run);
    let drained = false;
    const draining = lane.drain().then(() => {
      drained = true;
    });
    await settle();
    expect(started).toEqual(['a']);
    tasks[0]!.finish();
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(drained).toBe(false);
    tasks[1]!.finish();
    await draining;
    expect(drained).toBe(true);
  });

  it('goes on after a rejected re-arm', async () => {
    const lane = new RearmLane({ concurrency: 1 });
    const started: string[] = [];
    lane.add(() => Promise.reject(new Error('Redis is gone')));
    lane.add(task(started, 'next').run);
    await settle();
    expect(started).toEqual(['next']);
  });
});

describe('the end of a burst', () => {
  it('comes at once when no job is busy', async () => {
    const lane = new RearmLane();
    let over = false;
    void lane.burstOver().then(() => {
      over = true;
    });
    await settle();
    expect(over).toBe(true);
  });

  it('comes when the last busy job leaves', async () => {
    const lane = new RearmLane();
    const leaveFirst = lane.enter();
    const leaveSecond = lane.enter();
    const over: string[] = [];
    void lane.burstOver().then(() => over.push('a'));
    void lane.burstOver().then(() => over.push('b'));
    leaveFirst();
    await settle();
    expect(over).toEqual([]);
    leaveSecond();
    await settle();
    expect(over).toEqual(['a', 'b']);
  });

  it('comes after the max wait while jobs stay busy', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const lane = new RearmLane({ maxWaitMs: 2000, clock: Date.now });
    lane.enter();
    let over = false;
    void lane.burstOver().then(() => {
      over = true;
    });
    await vi.advanceTimersByTimeAsync(1999);
    expect(over).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(over).toBe(true);
    // The waits that ended are forgotten: no timer is left behind.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears the timers of the waits that a leaving job ends', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const lane = new RearmLane({ maxWaitMs: 2000, clock: Date.now });
    const leave = lane.enter();
    const waits = [lane.burstOver(), lane.burstOver()];
    expect(vi.getTimerCount()).toBe(1);
    leave();
    await Promise.all(waits);
    expect(vi.getTimerCount()).toBe(0);
  });
});
