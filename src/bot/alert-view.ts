import { formatDuration } from '../domain/durations.js';
import type { ThreadNote } from '../domain/effects.js';
import type { Incident, Monitor } from '../domain/types.js';
import { formatTime, mention } from './format.js';
import type { AlertButton, AlertView, ViewField } from './views.js';

/** The parts of a monitor that an alert shows. */
export type AlertMonitor = Pick<
  Monitor,
  'id' | 'name' | 'graceMs' | 'maxRuntimeMs' | 'silencedUntil' | 'silencedBy' | 'lastPingAt'
>;

export interface RenderOptions {
  timezone: string;
  now: number;
}

function title(monitor: AlertMonitor, incident: Incident, now: number): string {
  const name = monitor.name;
  if (incident.closedAt !== null) {
    switch (incident.closeReason) {
      case 'ran_late':
        return `${name} ran late, by ${formatDuration(incident.closedAt - (incident.expectedAt ?? incident.openedAt))}`;
      case 'paused':
        return `${name} was paused`;
      case 'deleted':
        return `${name} was deleted`;
      default:
        return `${name} recovered after ${formatDuration(incident.closedAt - incident.openedAt)}`;
    }
  }
  switch (incident.kind) {
    case 'late':
      return `${name} is late`;
    case 'missed':
      return `${name} missed ${incident.missedRuns} runs`;
    case 'failed': {
      const status = incident.exitStatus;
      if (incident.failures > 1) {
        const last = status === null ? '' : `, the last with exit status ${status}`;
        return `${name} failed ${incident.failures} times${last}`;
      }
      return status === null ? `${name} failed` : `${name} failed with exit status ${status}`;
    }
    case 'hung':
      return `${name} is hung: running for ${formatDuration(now - (incident.runningSince ?? now))}`;
  }
}

/**
 * Returns the time the "Last ping" field shows: the ping that closed the incident (its
 * `closedAt`), or else the last ping before it. Later pings do not count, as a retried delivery
 * may run after them.
 */
function shownLastPing(incident: Incident): number | null {
  const closedByPing = incident.closeReason === 'recovered' || incident.closeReason === 'ran_late';
  if (closedByPing && incident.closedAt !== null) return incident.closedAt;
  return incident.lastPingAt;
}

function fields(monitor: AlertMonitor, incident: Incident, options: RenderOptions): ViewField[] {
  const at = (ms: number) => formatTime(ms, options.timezone, options.now);
  const lastPingAt = shownLastPing(incident);
  const lastPing = lastPingAt === null ? 'never' : at(lastPingAt);
  const result: ViewField[] = [];
  if (incident.kind === 'late' || incident.kind === 'missed') {
    if (incident.expectedAt !== null)
      result.push({ label: 'Expected', value: at(incident.expectedAt) });
    result.push({ label: 'Last ping', value: lastPing });
    result.push({ label: 'Grace period', value: formatDuration(monitor.graceMs) });
  } else if (incident.kind === 'failed') {
    const repeated = incident.failures > 1;
    const failedAt = at(incident.failedAt ?? incident.openedAt);
    result.push({ label: repeated ? 'Last failed' : 'Failed at', value: failedAt });
    result.push({
      label: repeated ? 'Last exit status' : 'Exit status',
      value: incident.exitStatus === null ? 'none sent' : String(incident.exitStatus),
    });
  } else {
    if (incident.runningSince !== null) {
      result.push({ label: 'Running since', value: at(incident.runningSince) });
    }
    const limit = monitor.maxRuntimeMs ?? monitor.graceMs;
    result.push({ label: 'Maximum run time', value: formatDuration(limit) });
  }
  return result;
}

function notes(monitor: AlertMonitor, incident: Incident, options: RenderOptions): string[] {
  const at = (ms: number) => formatTime(ms, options.timezone, options.now);
  const result: string[] = [];
  if (incident.acknowledgedBy !== null && incident.acknowledgedAt !== null) {
    result.push(
      `Acknowledged by ${mention(incident.acknowledgedBy)} at ${at(incident.acknowledgedAt)}.`,
    );
  }
  if (
    incident.closedAt === null &&
    monitor.silencedUntil !== null &&
    monitor.silencedUntil > options.now
  ) {
    const by = monitor.silencedBy === null ? '' : ` by ${mention(monitor.silencedBy)}`;
    result.push(`Silenced${by} until ${at(monitor.silencedUntil)}.`);
  }
  if (incident.closedAt !== null) {
    const by = incident.closedBy === null ? '' : ` by ${mention(incident.closedBy)}`;
    const what = incident.closeReason === 'paused' ? 'Paused' : 'Closed';
    result.push(`${what}${by} at ${at(incident.closedAt)}.`);
  }
  return result;
}

function buttons(monitor: AlertMonitor, incident: Incident): AlertButton[] {
  if (incident.closedAt !== null) return [];
  const value = `${monitor.id}:${incident.id}`;
  const list: AlertButton[] = [];
  if (incident.acknowledgedAt === null) {
    list.push({ action: 'acknowledge', label: 'Acknowledge', value, style: 'primary' });
  }
  list.push({ action: 'silence_1h', label: 'Silence 1h', value, style: null });
  list.push({ action: 'pause', label: 'Pause', value, style: 'danger' });
  return list;
}

/** Builds the alert message of an incident, as it should read now. */
export function renderAlert(
  monitor: AlertMonitor,
  incident: Incident,
  options: RenderOptions,
): AlertView {
  let status: AlertView['status'] = 'open';
  if (incident.closedAt !== null) status = 'closed';
  else if (incident.acknowledgedAt !== null) status = 'acknowledged';
  return {
    monitorId: monitor.id,
    incidentId: incident.id,
    kind: incident.kind,
    status,
    title: title(monitor, incident, options.now),
    fields: fields(monitor, incident, options),
    notes: notes(monitor, incident, options),
    output: incident.kind === 'failed' ? shownOutput(incident.bodyExcerpt) : null,
    buttons: buttons(monitor, incident),
  };
}

/**
 * Makes a job's output safe to show in chat. A body is stored as it came, and may be binary.
 * CRLF line ends become newlines, and colour codes and terminal commands are left out. Other
 * control characters but newline and tab become U+FFFD, so that a NUL byte or a stray escape
 * can neither garble the message nor get it rejected by the chat API. Output that is mostly
 * such characters becomes a note that it is binary.
 */
export function shownOutput(body: string | null): string | null {
  if (body === null) return null;
  // Colour and cursor codes (ESC [ ... letter) and operating system commands such as a window
  // title or a link target (ESC ] ... ended by BEL or ESC \) are left out, as a terminal would
  // not show them. A link's text stays.
  const lines = body
    .replaceAll('\r\n', '\n')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character starts them.
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character starts them.
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters replaced.
  const printable = lines.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd');
  return looksBinary(printable) ? BINARY_NOTE : printable;
}

// Output at least this long, with at least this share of characters that could not be shown,
// is binary, such as an archive or an image that a job sent by mistake. Text with a few stray
// control characters stays well below the share.
const BINARY_MIN_LENGTH = 64;
const BINARY_UNREADABLE_SHARE = 0.3;
const BINARY_NOTE = '(binary output, not shown)';

function looksBinary(printable: string): boolean {
  if (printable.length < BINARY_MIN_LENGTH) return false;
  let unreadable = 0;
  for (const character of printable) if (character === '\ufffd') unreadable += 1;
  return unreadable >= printable.length * BINARY_UNREADABLE_SHARE;
}

/** Builds the text of a follow-up in an alert's thread. */
export function renderThreadNote(note: ThreadNote, options: RenderOptions): string {
  switch (note.kind) {
    case 'missed_again':
      return `Still no ping: ${note.missedRuns} runs missed in a row.`;
    case 'failed_again': {
      const failed = note.firstFailure === true ? 'The run failed' : 'Failed again';
      return note.exitStatus === null
        ? `${failed}.`
        : `${failed}, with exit status ${note.exitStatus}.`;
    }
    case 'hung':
      return `A run started at ${formatTime(note.runningSince, options.timezone, options.now)} has passed its maximum run time.`;
    case 'recovered':
      return `Recovered after ${formatDuration(note.afterMs)}: a successful ping arrived.`;
    case 'ran_late':
      return `The run came in late, by ${formatDuration(note.lateByMs)}.`;
  }
}
