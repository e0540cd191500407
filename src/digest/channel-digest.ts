// The digest of one channel: the headline, its monitors worst first, and what changed.

import type { ChangeEntry, ChangeKind } from './history-updates.js';
import {
  hadTrouble,
  type MonitorDigestInput,
  type MonitorStats,
  monitorStats,
} from './monitor-stats.js';
import { type DigestPeriod, previousPeriod } from './periods.js';

export interface Headline {
  monitors: number;
  expectedRuns: number;
  onTimeRuns: number;
  /** On-time runs over expected runs; null when no run was expected. */
  onTimeShare: number | null;
  incidents: number;
}

export interface DigestChange {
  atMs: number;
  kind: ChangeKind | 'added';
  name: string;
  by: string | null;
  untilMs: number | null;
}

export interface ChannelDigest {
  teamId: string;
  channelId: string;
  period: DigestPeriod;
  /** When the numbers were computed; a week to date stops here. */
  nowMs: number;
  headline: Headline;
  /** The period before, for the comparison; null when no run was expected in it. */
  previous: Headline | null;
  /** Worst first. */
  monitors: MonitorStats[];
  changes: DigestChange[];
  /** Nothing failed, was missed, late or hung, and no incident opened. */
  allGood: boolean;
}

export interface ChannelDigestInput {
  teamId: string;
  channelId: string;
  period: DigestPeriod;
  nowMs: number;
  /** The channel's monitors as they are now, with history covering this period and the one before. */
  monitors: MonitorDigestInput[];
  /** The team's change entries over the whole retention, oldest first. */
  teamChanges: ChangeEntry[];
}

function headlineOf(stats: MonitorStats[]): Headline {
  const expectedRuns = stats.reduce((sum, s) => sum + s.expectedRuns, 0);
  const onTimeRuns = stats.reduce((sum, s) => sum + s.successes, 0);
  return {
    monitors: stats.length,
    expectedRuns,
    onTimeRuns,
    onTimeShare: expectedRuns > 0 ? onTimeRuns / expectedRuns : null,
    incidents: stats.reduce((sum, s) => sum + s.incidents, 0),
  };
}

/** Orders monitors worst first: lowest on-time share, then most incidents, then least uptime. */
export function worstFirst(a: MonitorStats, b: MonitorStats): number {
  const share = (s: MonitorStats) => s.onTimeShare ?? 1;
  const uptime = (s: MonitorStats) => s.uptimeShare ?? 1;
  return (
    share(a) - share(b) ||
    b.incidents - a.incidents ||
    uptime(a) - uptime(b) ||
    a.name.localeCompare(b.name)
  );
}

function changesOf(input: ChannelDigestInput): DigestChange[] {
  const { period, channelId } = input;
  const within = (atMs: number) => atMs >= period.startMs && atMs < period.endMs;
  const changes: DigestChange[] = [];
  for (const { monitor } of input.monitors) {
    if (within(monitor.createdAt)) {
      changes.push({
        atMs: monitor.createdAt,
        kind: 'added',
        name: monitor.name,
        by: monitor.createdBy,
        untilMs: null,
      });
    }
  }
  for (const entry of input.teamChanges) {
    if (entry.channelId !== channelId || !within(entry.atMs)) continue;
    // A monitor added and deleted within the period has only its deletion entry left.
    if (entry.kind === 'deleted' && within(entry.createdAtMs)) {
      changes.push({
        atMs: entry.createdAtMs,
        kind: 'added',
        name: entry.name,
        by: entry.createdBy,
        untilMs: null,
      });
    }
    changes.push({
      atMs: entry.atMs,
      kind: entry.kind,
      name: entry.name,
      by: entry.by,
      untilMs: entry.untilMs,
    });
  }
  return changes.sort((a, b) => a.atMs - b.atMs);
}

/** Computes the digest of one channel for `period`. */
export function channelDigest(input: ChannelDigestInput): ChannelDigest {
  const { period, nowMs } = input;
  const listed = input.monitors.filter(({ monitor }) => monitor.createdAt < period.endMs);
  const withChanges = listed.map((m) => ({ ...m, changes: input.teamChanges }));
  const stats = withChanges.map((m) => monitorStats(m, period, nowMs)).sort(worstFirst);

  const before = previousPeriod(period);
  const earlier = withChanges
    .filter(({ monitor }) => monitor.createdAt < before.endMs)
    .map((m) => monitorStats(m, before, Math.min(nowMs, before.endMs)));
  const previous = headlineOf(earlier);

  return {
    teamId: input.teamId,
    channelId: input.channelId,
    period,
    nowMs,
    headline: headlineOf(stats),
    previous: previous.expectedRuns > 0 ? previous : null,
    monitors: stats,
    changes: changesOf(input),
    allGood: !stats.some(hadTrouble),
  };
}
