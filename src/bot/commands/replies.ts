import { formatDuration } from '../../domain/durations.js';
import { DrumbeatError } from '../../domain/errors.js';
import type { Monitor, StoredPing } from '../../domain/types.js';
import { redisFailureKind } from '../../store/redis-errors.js';
import { formatTime } from '../format.js';
import { describeSchedule } from '../language/index.js';
import type { ReplyLine, ReplySection, ReplyView } from '../views.js';

export function reply(summary: string, sections: ReplySection[] = []): ReplyView {
  return { summary, sections, isError: false };
}

export function section(
  lines: ReplyLine[],
  title: string | null = null,
  code: string | null = null,
): ReplySection {
  return { title, lines, code };
}

/**
 * Returns the lines that show commands to copy: one command after "Try: ", or several under a
 * line of their own, one command to a line.
 */
export function commandLines(commands: readonly string[]): ReplyLine[] {
  if (commands.length === 1) return [{ lead: 'Try: ', command: commands[0]! }];
  const lines: ReplyLine[] = commands.map((command) => ({ lead: '', command }));
  return lines.length === 0 ? [] : ['Try one of these:', ...lines];
}

/** Turns an error into a reply: a user's mistake reads as such, anything else as our fault. */
export function errorReply(error: unknown): ReplyView {
  if (error instanceof DrumbeatError) {
    const lines = commandLines(error.examples);
    return {
      summary: error.message,
      sections: lines.length ? [section(lines)] : [],
      isError: true,
    };
  }
  const redisFailure = redisFailureKind(error);
  if (redisFailure !== null) {
    return { summary: STORAGE_FAILURES[redisFailure], sections: [], isError: true };
  }
  return {
    summary:
      'Something went wrong on our side and nothing was changed. Please try again in a minute.',
    sections: [],
    isError: true,
  };
}

// A command that fails in Redis may have made some of its changes, so the replies read "may not".
const STORAGE_FAILURES = {
  out_of_memory:
    "Drumbeat's storage (Redis) is full, so this command may not have finished. Whoever runs " +
    "Drumbeat needs to raise Redis's maxmemory or free memory there. Then run the command again.",
  unavailable:
    'Drumbeat cannot reach its storage (Redis) right now, so this command may not have finished. ' +
    'Try again in a minute. If it keeps failing, tell whoever runs Drumbeat.',
} as const;

export function curlLine(url: string): string {
  // Without --retry-connrefused, curl gives up at once while the service restarts.
  return `curl -fsS -m 10 --retry 5 --retry-connrefused ${url}`;
}

const STATE_WORDS: Record<Monitor['state'], string> = {
  new: 'waiting for its first ping',
  up: 'up',
  late: 'late',
  missed: 'missing runs',
  failed: 'failed',
  hung: 'hung',
  paused: 'paused',
};

export function describeState(monitor: Monitor): string {
  const running = monitor.openRuns.length > 0 && monitor.state !== 'hung' ? ', running' : '';
  return `${STATE_WORDS[monitor.state]}${running}`;
}

function maxRuntimeText(monitor: Monitor): string {
  return monitor.maxRuntimeMs === null
    ? ''
    : `, maximum run time ${formatDuration(monitor.maxRuntimeMs)}`;
}

/** The status of one monitor: state, schedule, times, and its latest pings. */
export function statusReply(
  monitor: Monitor,
  pings: StoredPing[],
  timezone: string,
  now: number,
  pingUrl: string,
): ReplyView {
  const at = (ms: number | null) => (ms === null ? 'never' : formatTime(ms, timezone, now));
  const lines = [
    `State: ${describeState(monitor)}`,
    `Schedule: ${describeSchedule(monitor.schedule)}, grace ${formatDuration(monitor.graceMs)}${maxRuntimeText(monitor)}`,
    `Last ping: ${at(monitor.lastPingAt)}`,
  ];
  if (monitor.expectedAt !== null && monitor.state !== 'paused') {
    lines.push(`Next expected: ${at(monitor.expectedAt)}`);
  }
  if (monitor.silencedUntil !== null && monitor.silencedUntil > now) {
    lines.push(`Silenced until ${at(monitor.silencedUntil)}`);
  }
  if (monitor.incident) {
    lines.push(`Open incident: ${monitor.incident.kind} since ${at(monitor.incident.openedAt)}`);
  }
  const history = pings.slice(0, 5).map((ping) => {
    const status = ping.exitStatus === null ? '' : ` (exit status ${ping.exitStatus})`;
    const duration = ping.durationMs === null ? '' : `, ran ${formatDuration(ping.durationMs)}`;
    return `${at(ping.at)}: ${ping.kind}${status}${duration}`;
  });
  const sections = [section(lines, monitor.name)];
  if (history.length > 0) sections.push(section(history, 'Latest pings'));
  sections.push(section([], 'Ping URL', pingUrl));
  return reply(`${monitor.name} is ${describeState(monitor)}.`, sections);
}

export function helpReply(): ReplyView {
  return reply(
    'Drumbeat watches your jobs: each run pings a URL, and a missing ping is the alert.',
    [
      section(
        [
          'new <name> <schedule> [grace <duration>] [max runtime <duration>] [in #channel] [tz <zone>]',
          'list',
          'status <name>',
          'silence <name> for <duration>  (or until <time>)',
          'unsilence <name>',
          'pause <name>  /  resume <name>',
          'delete <name>',
          'timezone <zone>  (the team zone for schedules and times)',
          'digest  (this week so far)  /  digest weekly friday 4pm  /  digest daily 9am  /  digest off',
          'pingkey  (the team key for ping URLs by monitor name)',
          'help',
        ],
        'Commands',
      ),
      section(
        [
          '/drumbeat new nightly-invoices every 1 hour grace 10 minutes',
          '/drumbeat new backup cron "0 3 * * 1-5" tz Europe/Berlin max runtime 2h',
          '/drumbeat silence backup for 2 hours',
        ].map((command) => ({ lead: '', command })),
        'Examples',
      ),
    ],
  );
}
