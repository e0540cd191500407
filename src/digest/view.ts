// The platform-neutral digest message. The words are written here; each chat front end only lays
// them out, as with alerts. User references are written `<@id>`, which Slack and Discord both
// show as mentions.

import { formatTime, mention } from '../bot/format.js';
import type { ReplySection, ReplyView } from '../bot/views.js';
import type { ChannelDigest, DigestChange, Headline } from './channel-digest.js';
import {
  formatOptionalDuration,
  formatPeriodDays,
  formatShare,
  localDate,
  plural,
} from './format.js';
import { hadTrouble, type MonitorStats } from './monitor-stats.js';

/** Monitors with trouble listed one by one; the rest are summed up in one line. */
const MAX_LISTED_MONITORS = 15;

export interface DigestMonitorView {
  name: string;
  /** One line: runs on time and what went wrong. */
  summary: string;
  /** Uptime and outages, run times, incidents. */
  details: string[];
}

export interface DigestImageInfo {
  fileName: string;
  title: string;
  altText: string;
}

export interface DigestView {
  teamId: string;
  channelId: string;
  /** Names the channel and period, so that a digest is posted once: `C123:weekly:2025-03-10`. */
  key: string;
  /** "Weekly digest: Mon 10 Mar – Sun 16 Mar 2025". Also the notification text. */
  title: string;
  /** One line: monitors, expected runs, the share on time, incidents. */
  headline: string;
  /** The change against the period before, or null when it had no runs. */
  comparison: string | null;
  /** One line when nothing went wrong, in place of the monitors; else null. */
  allGood: string | null;
  /** The monitors that had trouble, worst first. */
  monitors: DigestMonitorView[];
  /** The other monitors in one line, or null when there are none. */
  others: string | null;
  /** Monitors added, deleted, paused, resumed, silenced, one line each, oldest first. */
  changes: string[];
  footer: string;
  image: DigestImageInfo;
}

const TITLES = { weekly: 'Weekly digest', daily: 'Daily digest', week_to_date: 'This week so far' };

function headlineLine(headline: Headline): string {
  const share =
    headline.onTimeShare === null ? 'no runs due' : `${formatShare(headline.onTimeShare)} on time`;
  return `${plural(headline.monitors, 'monitor')}, ${plural(headline.expectedRuns, 'expected run')}, ${share}, ${plural(headline.incidents, 'incident')}.`;
}

function comparisonLine(digest: ChannelDigest): string | null {
  const { headline, previous } = digest;
  if (previous === null || previous.onTimeShare === null) return null;
  const before = digest.period.kind === 'daily' ? 'the day before' : 'the week before';
  const parts: string[] = [];
  if (headline.onTimeShare !== null) {
    const points = Math.round((headline.onTimeShare - previous.onTimeShare) * 1000) / 10;
    const moved =
      points === 0
        ? 'the same as'
        : `${Math.abs(points).toFixed(1)} points ${points > 0 ? 'higher' : 'lower'} than`;
    parts.push(`On time: ${moved} ${before} (${formatShare(previous.onTimeShare)}).`);
  }
  const incidents = headline.incidents - previous.incidents;
  const change =
    incidents === 0
      ? 'as many as'
      : `${Math.abs(incidents)} ${incidents > 0 ? 'more' : 'fewer'} than`;
  parts.push(`Incidents: ${change} ${before} (${previous.incidents}).`);
  return parts.join(' ');
}

function problems(stats: MonitorStats): string {
  const counts: [number, string][] = [
    [stats.failures, 'failed'],
    [stats.missed, 'missed'],
    [stats.late, 'late'],
    [stats.hung, 'hung'],
  ];
  const listed = counts.filter(([count]) => count > 0).map(([count, word]) => `${count} ${word}`);
  return listed.length === 0 ? '' : `; ${listed.join(', ')}`;
}

/** The pseudo-user that `createdBy` names when a `?create=1` ping created the monitor. */
const PING_CREATOR = 'ping';

/**
 * Describes the recovery of the incidents that opened in the period. An open incident has not
 * recovered yet, so when others have, the line gives their mean apart: "5 incidents, 1 still
 * open: …, the 4 others recovered after 1m on average".
 */
function recoveryPart(stats: MonitorStats): string {
  const { incidents, openIncidents, recoveredIncidents, meanRecoverMs } = stats;
  if (meanRecoverMs === null) return 'not recovered yet';
  const after = formatOptionalDuration(meanRecoverMs);
  const average = recoveredIncidents > 1 ? ' on average' : '';
  const others = incidents - openIncidents;
  if (openIncidents === 0) return `recovered after ${after}${incidents > 1 ? ' on average' : ''}`;
  if (recoveredIncidents === others) {
    const subject = others === 1 ? 'the other' : `the ${others} others`;
    return `${subject} recovered after ${after}${average}`;
  }
  // The rest were closed by a pause or a deletion, so they did not recover.
  return `${recoveredIncidents} of the ${others} others recovered after ${after}${average}`;
}

function incidentLine(stats: MonitorStats): string {
  const acknowledge =
    stats.meanAcknowledgeMs === null
      ? 'not acknowledged'
      : `acknowledged after ${formatOptionalDuration(stats.meanAcknowledgeMs)}`;
  const mixed = stats.openIncidents > 0 && stats.openIncidents < stats.incidents;
  const open = mixed ? `, ${stats.openIncidents} still open` : '';
  return `${plural(stats.incidents, 'incident')}${open}: ${acknowledge}, ${recoveryPart(stats)}`;
}

function monitorView(stats: MonitorStats): DigestMonitorView {
  const share = stats.onTimeShare === null ? '' : ` (${formatShare(stats.onTimeShare)})`;
  const summary = stats.waitingForFirstPing
    ? 'waiting for its first ping'
    : `${stats.successes} of ${plural(stats.expectedRuns, 'expected run')} on time${share}${problems(stats)}`;
  const details: string[] = [];
  if (stats.uptimeShare !== null) {
    details.push(
      `Uptime ${formatShare(stats.uptimeShare)}, longest outage ${formatOptionalDuration(stats.longestOutageMs)}`,
    );
  }
  if (stats.medianRunMs !== null && stats.p95RunMs !== null) {
    details.push(
      `Run time: median ${formatOptionalDuration(stats.medianRunMs)}, 95th percentile ${formatOptionalDuration(stats.p95RunMs)}`,
    );
  }
  if (stats.incidents > 0) details.push(incidentLine(stats));
  return { name: stats.name, summary, details };
}

function changeLine(change: DigestChange, timezone: string, nowMs: number): string {
  const at = formatTime(change.atMs, timezone, nowMs);
  if (change.kind === 'added' && change.by === PING_CREATOR)
    return `${at}: ${change.name} created by its first ping`;
  const by = change.by === null ? '' : ` by ${mention(change.by)}`;
  if (change.kind === 'resumed' && change.by === null)
    return `${at}: ${change.name} resumed by a ping`;
  if (change.kind === 'silenced' && change.untilMs !== null) {
    return `${at}: ${change.name} silenced until ${formatTime(change.untilMs, timezone, nowMs)}${by}`;
  }
  return `${at}: ${change.name} ${change.kind}${by}`;
}

function allGoodLine(digest: ChannelDigest): string {
  const { headline } = digest;
  if (headline.expectedRuns === 0) return `All good: nothing failed and no run was due.`;
  return `All good: all ${plural(headline.expectedRuns, 'expected run')} of ${plural(headline.monitors, 'monitor')} came on time.`;
}

export interface DigestViewOptions {
  /** The footer's note on the next digest, such as "Next digest: Mon 24 Mar, 09:00 CET". */
  nextDigest?: string | null;
}

/** Builds the message of a channel's digest. */
export function digestView(digest: ChannelDigest, options: DigestViewOptions = {}): DigestView {
  const { period } = digest;
  const days = formatPeriodDays(period);
  const troubled = digest.monitors.filter(hadTrouble);
  const rest = digest.monitors.filter((stats) => !hadTrouble(stats));
  const listed = troubled.slice(0, MAX_LISTED_MONITORS);
  const quiet = [...troubled.slice(MAX_LISTED_MONITORS), ...rest]
    .filter((stats) => !stats.waitingForFirstPing)
    .map((stats) => stats.name);
  const waiting = rest.filter((stats) => stats.waitingForFirstPing).map((stats) => stats.name);
  const othersLabel = troubled.length > MAX_LISTED_MONITORS ? 'Also' : 'No trouble';
  const othersParts: string[] = [];
  if (quiet.length > 0 && !digest.allGood) othersParts.push(`${othersLabel}: ${quiet.join(', ')}.`);
  if (waiting.length > 0) othersParts.push(`Waiting for a first ping: ${waiting.join(', ')}.`);
  const startDate = localDate(period.startMs, period.timezone);
  const footer = [`Times in ${period.timezone}.`, options.nextDigest ?? null]
    .filter((part) => part !== null)
    .join(' ');
  return {
    teamId: digest.teamId,
    channelId: digest.channelId,
    key: `${digest.channelId}:${period.kind}:${startDate}`,
    title: `${TITLES[period.kind]}: ${days}`,
    headline: headlineLine(digest.headline),
    comparison: comparisonLine(digest),
    allGood: digest.allGood ? allGoodLine(digest) : null,
    monitors: digest.allGood ? [] : listed.map(monitorView),
    others: othersParts.length === 0 ? null : othersParts.join(' '),
    changes: digest.changes.map((change) => changeLine(change, period.timezone, digest.nowMs)),
    footer,
    image: {
      fileName: `drumbeat-digest-${period.kind.replace('_', '-')}-${startDate}.png`,
      title: `Drumbeat digest, ${days}`,
      altText: `Health of ${plural(digest.headline.monitors, 'monitor')} by day, ${days}: ${headlineLine(digest.headline)}`,
    },
  };
}

/** Turns a digest into a command reply, for `/drumbeat digest`. */
export function digestReply(view: DigestView): ReplyView {
  const sections: ReplySection[] = [
    {
      title: null,
      lines: [view.headline, ...(view.comparison ? [view.comparison] : [])],
      code: null,
    },
  ];
  if (view.allGood !== null) sections.push({ title: null, lines: [view.allGood], code: null });
  for (const monitor of view.monitors) {
    sections.push({
      title: monitor.name,
      lines: [monitor.summary, ...monitor.details],
      code: null,
    });
  }
  if (view.others !== null) sections.push({ title: null, lines: [view.others], code: null });
  if (view.changes.length > 0)
    sections.push({ title: 'What changed', lines: view.changes, code: null });
  sections.push({ title: null, lines: [view.footer], code: null });
  return { summary: view.title, sections, isError: false };
}
