// `/drumbeat digest`: this week's digest so far, for the user who asked, or a change of when
// the team's digests come.

import type { CommandContext } from '../bot/commands/context.js';
import { formatTime } from '../bot/format.js';
import type { ReplyView } from '../bot/views.js';
import { nextCronRun } from '../domain/cron.js';
import type { TeamStore } from '../store/teams.js';
import type { DigestSource } from './digest-source.js';
import { weekToDate } from './periods.js';
import {
  type DigestSchedule,
  describeDigestSchedule,
  digestCronPattern,
  parseDigestSchedule,
} from './schedule.js';
import type { DigestSettingsStore } from './settings-store.js';
import { digestReply, digestView } from './view.js';

/** The part of the digest scheduler that the command uses, to set up a team's job scheduler. */
export interface DigestScheduling {
  ensureTeam(teamId: string): Promise<void>;
  schedule(teamId: string): Promise<void>;
}

export interface DigestCommandsOptions {
  source: DigestSource;
  settings: DigestSettingsStore;
  teams: TeamStore;
  scheduling: DigestScheduling;
}

function reply(summary: string, lines: string[] = []): ReplyView {
  return {
    summary,
    sections: lines.length ? [{ title: null, lines, code: null }] : [],
    isError: false,
  };
}

export class DigestCommands {
  constructor(private readonly options: DigestCommandsOptions) {}

  private async timezoneFor(ctx: CommandContext): Promise<string> {
    return (await this.options.teams.get(ctx.teamId)).timezone ?? ctx.userTimezone ?? 'UTC';
  }

  private nextLine(schedule: DigestSchedule, timezone: string, nowMs: number): string {
    const pattern = digestCronPattern(schedule);
    if (pattern === null) return 'Digests are off; turn them on with /drumbeat digest weekly.';
    const next = formatTime(nextCronRun(pattern, timezone, nowMs), timezone, nowMs);
    return `Digests come ${describeDigestSchedule(schedule)}, ${timezone} time; the next one ${next}.`;
  }

  /** Runs the words after `digest`. */
  async run(text: string, ctx: CommandContext): Promise<ReplyView> {
    if (text.trim() === '') return this.show(ctx);
    const schedule = parseDigestSchedule(text);
    await this.options.settings.set(ctx.teamId, schedule);
    await this.options.scheduling.ensureTeam(ctx.teamId);
    await this.options.scheduling.schedule(ctx.teamId);
    const teamZone = (await this.options.teams.get(ctx.teamId)).timezone;
    if (schedule.cadence === 'off') {
      return reply('Digests are off for this team.', [
        'Turn them on again with /drumbeat digest weekly.',
      ]);
    }
    const covers =
      schedule.cadence === 'weekly'
        ? 'Each covers the seven full days before the day it comes.'
        : 'Each covers the day before.';
    const lines = [this.nextLine(schedule, teamZone ?? 'UTC', ctx.now), covers];
    if (teamZone === null) lines.push('Set the team zone with /drumbeat timezone Europe/Berlin.');
    return reply(`Digests now come ${describeDigestSchedule(schedule)}.`, lines);
  }

  /** Shows this week so far in the channel the command was typed in. */
  private async show(ctx: CommandContext): Promise<ReplyView> {
    const timezone = await this.timezoneFor(ctx);
    const period = weekToDate(timezone, ctx.now);
    const { source, settings } = this.options;
    const digest = await source.channelDigest(ctx.teamId, ctx.channelId, period, ctx.now);
    const teamZone = (await this.options.teams.get(ctx.teamId)).timezone ?? 'UTC';
    const nextDigest = this.nextLine(await settings.get(ctx.teamId), teamZone, ctx.now);
    if (digest === null) {
      return reply('No monitor alerts this channel, so it has no digest.', [
        'Type /drumbeat digest in a channel that gets alerts, or /drumbeat list to see them.',
        nextDigest,
      ]);
    }
    return digestReply(digestView(digest, { nextDigest }));
  }
}
