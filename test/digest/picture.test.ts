// The picture of the scenario week: a valid PNG of the documented size, saved under docs/ so
// that a person can look at it.

import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelDigest } from '../../src/digest/channel-digest.js';
import { DigestSource } from '../../src/digest/digest-source.js';
import { periodBefore } from '../../src/digest/periods.js';
import { digestImageSize, renderDigestPng } from '../../src/digest/picture/render.js';
import { digestView } from '../../src/digest/view.js';
import { HistoryWorld, TEAM } from './harness.js';
import { readPngHeader } from './png.js';
import { buildWeek, DIGEST_AT, ZONE } from './week-scenario.js';

let world: HistoryWorld;
let digest: ChannelDigest;

beforeAll(async () => {
  world = HistoryWorld.start('digest-picture');
  await buildWeek(world);
  const period = periodBefore('weekly', ZONE, DIGEST_AT);
  const source = new DigestSource(world.store, world.history);
  digest = (await source.teamDigests(TEAM, period, DIGEST_AT))[0]!;
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('digest message', () => {
  it('says the headline and the change against the week before', () => {
    const view = digestView(digest);
    expect(view.title).toBe('Weekly digest: Mon 10 Mar – Sun 16 Mar 2025');
    expect(view.headline).toBe('5 monitors, 283 expected runs, 98.2% on time, 4 incidents.');
    expect(view.comparison).toBe(
      'On time: 1.2 points lower than the week before (99.4%). Incidents: 3 more than the week before (1).',
    );
    expect(view.allGood).toBeNull();
  });

  it('lists the monitors with trouble, worst first, and the others in one line', () => {
    const view = digestView(digest);
    expect(view.monitors.map((monitor) => monitor.name)).toEqual([
      'flaky',
      'missed-twice',
      'created-midweek',
    ]);
    expect(view.monitors[0]).toEqual({
      name: 'flaky',
      summary: '5 of 7 expected runs on time (71.4%); 2 failed',
      details: [
        'Uptime 70.9%, longest outage 23h 59m',
        'Run time: median 1m 15s, 95th percentile 2m',
        '2 incidents: acknowledged after 35m, recovered after 23h 59m on average',
      ],
    });
    expect(view.monitors[1]?.details[1]).toBe(
      '1 incident: not acknowledged, recovered after 1d 23h',
    );
    expect(view.monitors[1]?.details[0]).toBe('Uptime 71.7%, longest outage 1d 23h');
    // 81 of 82 is 98.78 %, which rounds to 98.8 %.
    expect(view.monitors[2]).toEqual({
      name: 'created-midweek',
      summary: '81 of 82 expected runs on time (98.8%); 1 late',
      details: [
        'Uptime 99.8%, longest outage 8m',
        '1 incident: not acknowledged, recovered after 8m',
      ],
    });
    expect(view.others).toBe('No trouble: healthy, paused-two-days.');
  });

  it('lists what changed with who did it', () => {
    const view = digestView(digest);
    expect(view.changes).toContain(
      'Thu 13 Mar, 09:00 CET: flaky silenced until Thu 13 Mar, 18:00 CET by <@U0OWNER01>',
    );
    expect(view.changes).toHaveLength(6);
  });
});

describe('digest picture', () => {
  it('is a PNG of the expected size', () => {
    const png = renderDigestPng(digest, digestView(digest));
    const header = readPngHeader(png);
    expect(header.valid).toBe(true);
    expect(header.width).toBe(800);
    expect(header.height).toBe(digestImageSize(5).height);
    mkdirSync('docs', { recursive: true });
    writeFileSync('docs/digest-sample.png', png);
  });

  it('grows by one row per monitor', () => {
    expect(digestImageSize(6).height - digestImageSize(5).height).toBe(30);
  });
});
