import { typicalPeriodMs } from './schedule.js';
import type { Monitor, Platform, Schedule } from './types.js';

export interface NewMonitorInput {
  id: string;
  token: string;
  teamId: string;
  platform: Platform;
  channelId: string;
  name: string;
  schedule: Schedule;
  graceMs: number | null;
  maxRuntimeMs: number | null;
  createdBy: string;
}

export const MIN_GRACE_MS = 1000;
export const MAX_GRACE_MS = 366 * 86_400_000;

/**
 * Returns the grace period used when none is given: a fifth of the period between runs,
 * at least 5 seconds and at most 1 hour (healthchecks.io's default for daily jobs).
 */
export function defaultGraceMs(schedule: Schedule, now: number): number {
  const period = typicalPeriodMs(schedule, now);
  return Math.min(3_600_000, Math.max(5000, Math.round(period / 5)));
}

/**
 * Builds a monitor in the `new` state. It has no deadline until its first ping, so creating
 * a monitor before the job's crontab line is in place raises no alert (as in healthchecks.io).
 */
export function buildMonitor(input: NewMonitorInput, now: number): Monitor {
  return {
    ...input,
    graceMs: input.graceMs ?? defaultGraceMs(input.schedule, now),
    createdAt: now,
    state: 'new',
    generation: 0,
    lastPingAt: null,
    lastSuccessAt: null,
    expectedAt: null,
    dueAt: null,
    deadlineKind: null,
    openRuns: [],
    silencedUntil: null,
    silencedBy: null,
    pausedAt: null,
    pausedBy: null,
    incident: null,
  };
}
