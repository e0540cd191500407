import type { Monitor } from '../domain/types.js';
import type { MonitorStore } from '../store/monitors.js';
import { type ChannelDigest, channelDigest } from './channel-digest.js';
import type { HistoryStore } from './history-store.js';
import { type DigestPeriod, previousPeriod } from './periods.js';
import { HISTORY_RETENTION_MS } from './slots.js';

/** Reads what digests need from Redis and computes them. */
export class DigestSource {
  constructor(
    private readonly monitors: MonitorStore,
    private readonly history: HistoryStore,
  ) {}

  /** Computes the digest of each channel that has monitors now, ordered by channel id. */
  async teamDigests(teamId: string, period: DigestPeriod, nowMs: number): Promise<ChannelDigest[]> {
    return this.digests(teamId, period, nowMs, null);
  }

  /** Computes one channel's digest, or null when no monitor alerts the channel. */
  async channelDigest(
    teamId: string,
    channelId: string,
    period: DigestPeriod,
    nowMs: number,
  ): Promise<ChannelDigest | null> {
    return (await this.digests(teamId, period, nowMs, channelId))[0] ?? null;
  }

  private async digests(
    teamId: string,
    period: DigestPeriod,
    nowMs: number,
    onlyChannelId: string | null,
  ): Promise<ChannelDigest[]> {
    const byChannel = new Map<string, Monitor[]>();
    for (const monitor of await this.monitors.listTeam(teamId)) {
      if (onlyChannelId !== null && monitor.channelId !== onlyChannelId) continue;
      byChannel.set(monitor.channelId, [...(byChannel.get(monitor.channelId) ?? []), monitor]);
    }
    if (byChannel.size === 0) return [];
    const fromMs = nowMs - HISTORY_RETENTION_MS;
    const teamChanges = await this.history.readChanges(teamId, fromMs, nowMs + 1);
    const digests: ChannelDigest[] = [];
    for (const channelId of [...byChannel.keys()].sort()) {
      const monitors = await this.inputs(byChannel.get(channelId) ?? [], period);
      digests.push(channelDigest({ teamId, channelId, period, nowMs, monitors, teamChanges }));
    }
    return digests;
  }

  private async inputs(monitors: Monitor[], period: DigestPeriod) {
    const fromMs = previousPeriod(period).startMs;
    return Promise.all(
      monitors.map(async (monitor) => ({
        monitor,
        history: await this.history.readMonitor(monitor.id, fromMs, period.endMs),
        changes: [],
      })),
    );
  }
}
