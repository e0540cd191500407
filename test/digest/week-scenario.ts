// One week of history in Europe/Berlin, Monday 10 to Sunday 16 March 2025 (CET, UTC+1, no DST
// change), with the week before for the comparison. Five monitors alert channel C0ALERTS1:
//
// - healthy: every hour since Monday 3 March, a start at :05:00 and a success 30 s (even hours)
//   or 40 s (odd hours) later. In the week before, the run of Wednesday 5 March 12:05 failed.
// - flaky: cron "0 3 * * *", grace 30 min. Runs take 60, 90, 70, 120, 80, 65 and 75 s from Monday
//   to Sunday; Tuesday's and Thursday's fail. Tuesday's incident is acknowledged after 10 min,
//   Thursday's after 1 h. It is silenced on Thursday from 09:00 to 18:00.
// - missed-twice: cron "0 2 * * *", grace 1 h, a success at 02:00:30 every day but Wednesday and
//   Thursday: late on Wednesday at 03:00:00.001, missed on Thursday, back on Friday.
// - paused-two-days: every 6 hours, pings at 00:10, 06:10, 12:10 and 18:10, paused from
//   Wednesday 12:00 to Friday 12:00.
// - created-midweek: cron "30 * * * *" (grace 12 min), created on Thursday 14:00, a success at
//   :30:05 every hour but on Saturday at 10:30, whose ping comes at 10:50:00, late.
// A sixth monitor, old-report, is created on Monday 00:30 and deleted on Tuesday 10:00.

import type { Monitor } from '../../src/domain/types.js';
import { type HistoryWorld, OWNER, TEAM, TEAMMATE } from './harness.js';

export const ZONE = 'Europe/Berlin';
const CET_OFFSET_MS = 3_600_000;

/** Returns the instant of a CET wall time in March 2025. */
export function cet(day: number, hour: number, minute = 0, second = 0): number {
  return Date.UTC(2025, 2, day, hour, minute, second) - CET_OFFSET_MS;
}

export const WEEK_START = cet(10, 0);
export const WEEK_END = cet(17, 0);
/** When the Monday digest about the week is computed. */
export const DIGEST_AT = cet(17, 9);

export interface WeekScenario {
  healthy: Monitor;
  flaky: Monitor;
  missedTwice: Monitor;
  paused: Monitor;
  createdMidweek: Monitor;
}

async function runHealthy(world: HistoryWorld, monitor: Monitor): Promise<void> {
  for (let at = cet(3, 0, 5); at < WEEK_END; at += 3_600_000) {
    const localHour = new Date(at + CET_OFFSET_MS).getUTCHours();
    const failed = at === cet(5, 12, 5);
    world.nowMs = at;
    await world.ping(monitor, 'start');
    world.nowMs = at + (localHour % 2 === 0 ? 30_000 : 40_000);
    await world.ping(monitor, failed ? 'fail' : 'success');
  }
}

const FLAKY_RUN_SECONDS = [60, 90, 70, 120, 80, 65, 75];

async function runFlaky(world: HistoryWorld, monitor: Monitor): Promise<void> {
  for (let index = 0; index < 7; index++) {
    const day = 10 + index;
    world.nowMs = cet(day, 3);
    await world.ping(monitor, 'start');
    world.nowMs = cet(day, 3) + FLAKY_RUN_SECONDS[index]! * 1000;
    const fails = day === 11 || day === 13;
    await world.ping(monitor, fails ? 'fail' : 'success', day === 13 ? 1 : null);
    if (fails) {
      const incidentId = (await world.current(monitor)).incident!.id;
      world.nowMs += day === 11 ? 10 * 60_000 : 3_600_000;
      await world.apply(monitor, { type: 'acknowledge', incidentId, by: TEAMMATE });
    }
    if (day === 13) {
      world.nowMs = cet(13, 9);
      await world.apply(monitor, { type: 'silence', until: cet(13, 18), by: OWNER });
    }
  }
}

async function runMissedTwice(world: HistoryWorld, monitor: Monitor): Promise<void> {
  for (const day of [10, 11]) {
    world.nowMs = cet(day, 2, 0, 30);
    await world.ping(monitor, 'success');
  }
  await world.fireDeadline(monitor); // Wednesday 03:00: late
  await world.fireDeadline(monitor); // Thursday 03:00: missed
  for (const day of [14, 15, 16]) {
    world.nowMs = cet(day, 2, 0, 30);
    await world.ping(monitor, 'success');
  }
}

async function runPaused(world: HistoryWorld, monitor: Monitor): Promise<void> {
  for (let day = 10; day <= 16; day++) {
    for (const hour of [0, 6, 12, 18]) {
      const at = cet(day, hour, 10);
      if (at >= cet(12, 12) && at < cet(14, 12)) continue;
      if (at === cet(14, 12, 10)) {
        world.nowMs = cet(14, 12);
        await world.apply(monitor, { type: 'resume', by: OWNER });
      }
      world.nowMs = at;
      await world.ping(monitor, 'success');
      if (at === cet(12, 6, 10)) {
        world.nowMs = cet(12, 12);
        await world.apply(monitor, { type: 'pause', by: OWNER });
      }
    }
  }
}

async function runCreatedMidweek(world: HistoryWorld, monitor: Monitor): Promise<void> {
  for (let at = cet(13, 14, 30, 5); at < WEEK_END; at += 3_600_000) {
    if (at === cet(15, 10, 30, 5)) {
      await world.fireDeadline(monitor); // 10:42:00.001: late
      world.nowMs = cet(15, 10, 50);
    } else {
      world.nowMs = at;
    }
    await world.ping(monitor, 'success');
  }
}

/** Builds the week, monitor by monitor, and leaves the clock at the digest's time. */
export async function buildWeek(world: HistoryWorld): Promise<WeekScenario> {
  await world.teams.setTimezone(TEAM, ZONE);
  world.nowMs = cet(3, 0);
  const healthy = await world.createMonitor('healthy', { kind: 'interval', periodSeconds: 3600 });
  world.nowMs = cet(9, 23, 30);
  const cron = (expression: string) => ({ kind: 'cron' as const, expression, timezone: ZONE });
  const flaky = await world.createMonitor('flaky', cron('0 3 * * *'), { graceMs: 1_800_000 });
  const missedTwice = await world.createMonitor('missed-twice', cron('0 2 * * *'), {
    graceMs: 3_600_000,
  });
  const paused = await world.createMonitor('paused-two-days', {
    kind: 'interval',
    periodSeconds: 21_600,
  });
  world.nowMs = cet(13, 14);
  const createdMidweek = await world.createMonitor('created-midweek', cron('30 * * * *'));
  world.nowMs = cet(10, 0, 30);
  const oldReport = await world.createMonitor('old-report', cron('0 4 * * *'));

  await runHealthy(world, healthy);
  await runFlaky(world, flaky);
  await runMissedTwice(world, missedTwice);
  await runPaused(world, paused);
  await runCreatedMidweek(world, createdMidweek);
  world.nowMs = cet(11, 10);
  await world.delete(oldReport, OWNER);

  world.nowMs = DIGEST_AT;
  return { healthy, flaky, missedTwice, paused, createdMidweek };
}
