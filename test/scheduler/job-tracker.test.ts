import { describe, expect, it } from 'vitest';
import { JobTracker } from '../../src/scheduler/redis-retry.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('job tracker', () => {
  it('waits for a job that starts after the pause', async () => {
    const tracker = new JobTracker();
    const events: string[] = [];
    const worker = {
      async pause() {
        events.push('pause');
        // BullMQ hands a job it fetched before the pause to the processor a little later.
        setTimeout(() => {
          tracker.track(sleep(30).then(() => events.push('late job done')));
        }, 10);
      },
      async close() {
        events.push('close');
      },
    };

    await tracker.stopWorker(worker);
    expect(events).toEqual(['pause', 'late job done', 'close']);
  });

  it('waits for running jobs before closing', async () => {
    const tracker = new JobTracker();
    const events: string[] = [];
    tracker.track(sleep(20).then(() => events.push('job done')));
    const worker = {
      async pause() {
        events.push('pause');
      },
      async close() {
        events.push('close');
      },
    };

    await tracker.stopWorker(worker);
    expect(events).toEqual(['pause', 'job done', 'close']);
  });
});
