import type { Effect, ThreadNote } from './effects.js';
import { nextRunAfter } from './schedule.js';
import type { Incident, IncidentKind, Monitor, OpenRun, PingInput } from './types.js';

/**
 * The characters (UTF-16 code units) of a failing ping's body that an alert shows. Even escaped
 * for Slack, at most 5 units each, they fit a section (3,000), so no renderer cuts them again.
 */
export const ALERT_BODY_EXCERPT_CHARS = 500;

const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/**
 * The characters after a mid-line excerpt start that are searched for a newline, so that the
 * excerpt can start at the next line instead.
 */
const LINE_START_SEARCH_CHARS = 100;

/**
 * Makes the excerpt of a failing ping's body that its alert shows: its end, where a job's errors
 * usually are, after a line that counts what was left out. Returns null when there is no output.
 */
export function outputExcerpt(body: string, bodyBytesCut: number): string | null {
  if (body.length === 0 && bodyBytesCut <= 0) return null;
  let start = Math.max(0, body.length - ALERT_BODY_EXCERPT_CHARS);
  // Starting between the two halves of a surrogate pair would leave a lone low surrogate.
  if (start > 0 && isLowSurrogate(body, start) && isHighSurrogate(body, start - 1)) start += 1;

  // A stored body that lost its start to the limit is taken to start mid-line, because the
  // character before the cut is unknown.
  const startsMidLine = start > 0 ? body[start - 1] !== '\n' : bodyBytesCut > 0;
  const newlineAt = body.indexOf('\n', start);
  const newlineIsNear = newlineAt !== -1 && newlineAt - start < LINE_START_SEARCH_CHARS;
  // A newline that ends the body is not used, because starting after it would show nothing.
  if (startsMidLine && newlineIsNear && newlineAt + 1 < body.length) start = newlineAt + 1;

  const leftOut: string[] = [];
  if (start > 0) leftOut.push(`${COUNT_FORMAT.format(start)} earlier characters not shown`);
  if (bodyBytesCut > 0) {
    leftOut.push(`${COUNT_FORMAT.format(bodyBytesCut)} earlier bytes not stored`);
  }
  const excerpt = body.slice(start);
  if (leftOut.length === 0) return excerpt;

  const marker = `… (${leftOut.join(', ')})`;
  return excerpt.length === 0 ? marker : `${marker}\n${excerpt}`;
}

function isHighSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}

export type MonitorEvent =
  | { type: 'ping'; ping: PingInput }
  /**
   * The monitor's deadline job fired. `ingestUpSince` is when Drumbeat could receive pings
   * again after its own last downtime, or null when it never was down.
   */
  | { type: 'deadline'; ingestUpSince?: number | null }
  | { type: 'pause'; by: string }
  | { type: 'resume'; by: string }
  | { type: 'silence'; until: number; by: string }
  | { type: 'unsilence'; by: string }
  /** A silence reached its end time. */
  | { type: 'silence_expired' }
  | { type: 'acknowledge'; incidentId: string; by: string }
  /** The monitor is about to be deleted: close its incident so that the alert shows it. */
  | { type: 'delete'; by: string };

export interface Transition {
  monitor: Monitor;
  effects: Effect[];
  /** Whether anything changed; when false the caller stores nothing. */
  changed: boolean;
  /** The run time that a finishing ping closed, for the ping history. */
  pingDurationMs: number | null;
}

/** Creates the incident id from the monitor id and the time it opened, unique per monitor. */
function incidentId(monitor: Monitor, now: number): string {
  return `${monitor.id}-${now.toString(36)}-${monitor.generation.toString(36)}`;
}

function isSilenced(monitor: Monitor, now: number): boolean {
  return monitor.silencedUntil !== null && monitor.silencedUntil > now;
}

function maxRuntimeMs(monitor: Monitor): number {
  return monitor.maxRuntimeMs ?? monitor.graceMs;
}

/**
 * Returns the `dueAt` and `deadlineKind` that the state implies. An open run is judged by its
 * maximum run time and suspends the late check, because the job has started. Failed and hung
 * monitors keep their incident open with no deadline until the next ping, as healthchecks.io
 * does.
 */
function deadlineOf(monitor: Monitor): Pick<Monitor, 'dueAt' | 'deadlineKind'> {
  const { state } = monitor;
  if (state === 'paused') return { dueAt: null, deadlineKind: null };
  if (monitor.openRuns.length > 0 && state !== 'hung') {
    let oldestStart = Number.POSITIVE_INFINITY;
    for (const run of monitor.openRuns) oldestStart = Math.min(oldestStart, run.startedAt);
    return { dueAt: oldestStart + maxRuntimeMs(monitor), deadlineKind: 'hung' };
  }
  if (monitor.expectedAt !== null && (state === 'up' || state === 'late' || state === 'missed')) {
    const deadlineKind = state === 'up' ? 'late' : 'missed';
    return { dueAt: monitor.expectedAt + monitor.graceMs, deadlineKind };
  }
  return { dueAt: null, deadlineKind: null };
}

function openIncident(monitor: Monitor, kind: IncidentKind, now: number): Incident {
  return {
    id: incidentId(monitor, now),
    kind,
    openedAt: now,
    expectedAt: null,
    missedRuns: 0,
    lastPingAt: monitor.lastPingAt,
    exitStatus: null,
    bodyExcerpt: null,
    runningSince: null,
    repeats: 0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    closedAt: null,
    closeReason: null,
    closedBy: null,
    failedAt: null,
    failures: 0,
  };
}

class TransitionBuilder {
  readonly effects: Effect[] = [];
  pingDurationMs: number | null = null;

  constructor(
    public monitor: Monitor,
    readonly now: number,
  ) {}

  /** Requests the alert message for the current incident, unless a silence suppresses it. */
  syncAlert(incident: Incident, isNewAlert: boolean): void {
    if (isNewAlert && isSilenced(this.monitor, this.now)) return;
    this.effects.push({ type: 'sync_alert', incident });
  }

  thread(incident: Incident, note: ThreadNote): void {
    const followUp = note.kind !== 'recovered' && note.kind !== 'ran_late';
    if (followUp && (isSilenced(this.monitor, this.now) || incident.acknowledgedAt !== null))
      return;
    this.effects.push({
      type: 'thread_reply',
      incident,
      note,
      sequence: incident.missedRuns + incident.repeats,
    });
  }

  closeIncident(reason: Incident['closeReason'], by: string | null): void {
    const open = this.monitor.incident;
    if (!open) return;
    const closed: Incident = { ...open, closedAt: this.now, closeReason: reason, closedBy: by };
    this.monitor = { ...this.monitor, incident: null };
    this.effects.push({ type: 'sync_alert', incident: closed });
    if (reason === 'ran_late' && closed.expectedAt !== null) {
      this.thread(closed, { kind: 'ran_late', lateByMs: this.now - closed.expectedAt });
    } else if (reason === 'recovered') {
      this.thread(closed, { kind: 'recovered', afterMs: this.now - closed.openedAt });
    }
    this.effects.push({ type: 'archive_incident', incident: closed });
  }

  finish(changed = true): Transition {
    const monitor = changed
      ? { ...this.monitor, generation: this.monitor.generation + 1, ...deadlineOf(this.monitor) }
      : this.monitor;
    return { monitor, effects: this.effects, changed, pingDurationMs: this.pingDurationMs };
  }
}

/** Removes the run that a finishing ping belongs to and returns how long it ran. */
function finishRun(builder: TransitionBuilder, rid: string | null): void {
  const runs = builder.monitor.openRuns;
  let index = runs.findIndex((run) => run.rid === rid);
  // A finish without a run id closes the newest run, like healthchecks.io's duration.
  if (index === -1 && rid === null && runs.length > 0) index = runs.length - 1;
  if (index === -1) return;
  const run = runs[index]!;
  builder.pingDurationMs = builder.now - run.startedAt;
  builder.monitor = { ...builder.monitor, openRuns: runs.filter((_, i) => i !== index) };
}

// Runs older than this many maximum run times are dropped, so a job that starts and never
// finishes cannot grow the record without bound.
const MAX_OPEN_RUNS = 20;

/**
 * Stops watching the runs that a hung alert reported, once a ping shows the job is alive. They
 * are past their maximum run time, so they would reopen a hung alert at once after this one
 * closes. A finish that comes for such a run later is still applied as a success.
 */
function forgetOverdueRuns(builder: TransitionBuilder): void {
  const { monitor, now } = builder;
  const limitMs = maxRuntimeMs(monitor);
  const running = monitor.openRuns.filter((run) => run.startedAt + limitMs > now);
  if (running.length < monitor.openRuns.length) {
    builder.monitor = { ...monitor, openRuns: running };
  }
}

function onStart(builder: TransitionBuilder, ping: PingInput): void {
  const { monitor, now } = builder;
  // A start repeated with the run id of an open run, as a retried request sends it, is the same
  // run and keeps its start time.
  const repeated = ping.rid !== null && monitor.openRuns.some((run) => run.rid === ping.rid);
  const runs: OpenRun[] = repeated
    ? monitor.openRuns
    : [...monitor.openRuns, { rid: ping.rid, startedAt: now }].slice(-MAX_OPEN_RUNS);
  builder.monitor = {
    ...monitor,
    openRuns: runs,
    state: monitor.state === 'new' ? 'up' : monitor.state,
    expectedAt: nextRunAfter(monitor.schedule, now),
  };
  // A new start after a hung run: the hung run is no longer the one being watched.
  if (monitor.state === 'hung') builder.monitor = { ...builder.monitor, state: 'up' };
}

function onSuccess(builder: TransitionBuilder, ping: PingInput): void {
  finishRun(builder, ping.rid);
  const { monitor, now } = builder;
  const reason = monitor.state === 'late' ? 'ran_late' : 'recovered';
  builder.closeIncident(reason, null);
  builder.monitor = {
    ...builder.monitor,
    state: 'up',
    lastSuccessAt: now,
    expectedAt: nextRunAfter(monitor.schedule, now),
  };
}

function onFail(builder: TransitionBuilder, ping: PingInput): void {
  finishRun(builder, ping.rid);
  const { monitor, now } = builder;
  const excerpt = outputExcerpt(ping.body, ping.bodyBytesCut);
  const open = monitor.incident;
  const details = { exitStatus: ping.exitStatus, bodyExcerpt: excerpt, failedAt: now };
  let incident: Incident;
  if (open) {
    // The alert now shows this failure, so the failure that opened the incident, shown only
    // there until now, goes to the thread first.
    if (open.kind === 'failed' && open.repeats === 0) {
      const { exitStatus, bodyExcerpt } = open;
      builder.thread(open, { kind: 'failed_again', exitStatus, bodyExcerpt, firstFailure: true });
    }
    // A failed incident stored before failures were counted reads 0, so its opening failure is
    // counted here.
    const priorFailures = open.failures > 0 || open.kind !== 'failed' ? open.failures : 1;
    const failures = priorFailures + 1;
    incident = { ...open, ...details, kind: 'failed', repeats: open.repeats + 1, failures };
    builder.monitor = { ...monitor, incident };
    builder.syncAlert(incident, false);
    // A run that was late, missed or hung and then fails has not failed before.
    const firstFailure = open.kind !== 'failed';
    const note = { exitStatus: details.exitStatus, bodyExcerpt: excerpt, firstFailure };
    builder.thread(incident, { kind: 'failed_again', ...note });
  } else {
    incident = { ...openIncident(monitor, 'failed', now), ...details, failures: 1 };
    builder.monitor = { ...monitor, incident };
    builder.syncAlert(incident, true);
  }
  builder.monitor = {
    ...builder.monitor,
    state: 'failed',
    expectedAt: nextRunAfter(monitor.schedule, now),
  };
}

function applyPing(builder: TransitionBuilder, ping: PingInput): Transition {
  if (ping.kind === 'log') return builder.finish(false);
  builder.monitor = { ...builder.monitor, lastPingAt: builder.now };
  // A ping resumes a paused monitor, as healthchecks.io does.
  if (builder.monitor.state === 'paused') {
    builder.monitor = { ...builder.monitor, state: 'new', pausedAt: null, pausedBy: null };
  }
  const wasHung = builder.monitor.state === 'hung';
  if (ping.kind === 'start') onStart(builder, ping);
  else if (ping.kind === 'success') onSuccess(builder, ping);
  else onFail(builder, ping);
  if (wasHung) forgetOverdueRuns(builder);
  return builder.finish();
}

function onLateOrMissed(builder: TransitionBuilder): void {
  const { monitor, now } = builder;
  const expectedAt = monitor.expectedAt!;
  const nextExpectedAt = nextRunAfter(monitor.schedule, expectedAt);
  const open = monitor.incident;
  if (!open) {
    const incident = { ...openIncident(monitor, 'late', now), expectedAt, missedRuns: 1 };
    builder.monitor = { ...monitor, state: 'late', incident, expectedAt: nextExpectedAt };
    builder.syncAlert(incident, true);
    return;
  }
  const incident: Incident = { ...open, kind: 'missed', missedRuns: open.missedRuns + 1 };
  builder.monitor = { ...monitor, state: 'missed', incident, expectedAt: nextExpectedAt };
  builder.syncAlert(incident, false);
  // The message itself reads "missed" from the second run on, and the thread counts the rest.
  if (isMissedRunReminder(incident.missedRuns)) {
    builder.thread(incident, { kind: 'missed_again', missedRuns: incident.missedRuns });
  }
}

/**
 * Tells whether this count of missed runs adds a thread reply: 3, 5, 10, 20, 50, 100, 200 and so
 * on, so that a job down all night adds a few replies instead of one per period.
 */
export function isMissedRunReminder(missedRuns: number): boolean {
  if (missedRuns === 3 || missedRuns === 5) return true;
  return missedRuns >= 10 && /^[125]0+$/.test(String(missedRuns));
}

function onHung(builder: TransitionBuilder): void {
  const { monitor, now } = builder;
  const runningSince = Math.min(...monitor.openRuns.map((run) => run.startedAt));
  const open = monitor.incident;
  if (open) {
    // The alert keeps the start of the earliest run that hung during it, watched or not.
    const since = Math.min(runningSince, open.runningSince ?? runningSince);
    const incident: Incident = {
      ...open,
      kind: 'hung',
      runningSince: since,
      repeats: open.repeats + 1,
    };
    builder.monitor = { ...monitor, state: 'hung', incident };
    builder.syncAlert(incident, false);
    builder.thread(incident, { kind: 'hung', runningSince });
    return;
  }
  const incident: Incident = { ...openIncident(monitor, 'hung', now), runningSince };
  builder.monitor = { ...monitor, state: 'hung', incident };
  builder.syncAlert(incident, true);
}

/**
 * Starts the window afresh from `upSince` when Drumbeat itself could not receive pings during
 * it: no ping came since the restart, and the run that is overdue was expected before a fresh
 * window from the restart would expect one. Returns whether it did.
 */
function startFreshWindow(builder: TransitionBuilder, upSince: number | null): boolean {
  const { monitor } = builder;
  if (upSince === null || monitor.expectedAt === null || monitor.deadlineKind === 'hung')
    return false;
  if ((monitor.lastPingAt ?? monitor.createdAt) >= upSince) return false;
  const freshExpectedAt = nextRunAfter(monitor.schedule, upSince);
  if (freshExpectedAt <= monitor.expectedAt) return false;
  builder.monitor = { ...monitor, expectedAt: freshExpectedAt };
  return true;
}

function applyDeadline(builder: TransitionBuilder, ingestUpSince: number | null): Transition {
  const { monitor, now } = builder;
  // A deadline is inclusive: a job that fires at or before it (early, or on a skewed clock)
  // changes nothing, and the caller re-arms it for the stored `dueAt`.
  if (monitor.dueAt === null || now <= monitor.dueAt) return builder.finish(false);
  if (startFreshWindow(builder, ingestUpSince)) return builder.finish();
  if (monitor.deadlineKind === 'hung') onHung(builder);
  else onLateOrMissed(builder);
  return builder.finish();
}

function applyResume(builder: TransitionBuilder): Transition {
  const { monitor, now } = builder;
  if (monitor.state !== 'paused') return builder.finish(false);
  builder.monitor = {
    ...monitor,
    state: monitor.lastPingAt === null ? 'new' : 'up',
    pausedAt: null,
    pausedBy: null,
    openRuns: [],
    expectedAt: monitor.lastPingAt === null ? null : nextRunAfter(monitor.schedule, now),
  };
  return builder.finish();
}

function applyAcknowledge(builder: TransitionBuilder, incidentId: string, by: string): Transition {
  const open = builder.monitor.incident;
  if (!open || open.id !== incidentId || open.acknowledgedAt !== null) {
    return builder.finish(false);
  }
  const incident = { ...open, acknowledgedBy: by, acknowledgedAt: builder.now };
  builder.monitor = { ...builder.monitor, incident };
  builder.syncAlert(incident, false);
  return builder.finish();
}

/**
 * Applies one event to a monitor at time `now`. Pure: the caller stores the returned monitor
 * with compare-and-set on `generation`, then carries out the effects.
 */
export function transition(monitor: Monitor, event: MonitorEvent, now: number): Transition {
  const builder = new TransitionBuilder(monitor, now);
  switch (event.type) {
    case 'ping':
      return applyPing(builder, event.ping);
    case 'deadline':
      return applyDeadline(builder, event.ingestUpSince ?? null);
    case 'pause':
      if (monitor.state === 'paused') return builder.finish(false);
      builder.closeIncident('paused', event.by);
      // Runs still open are forgotten: a paused monitor watches nothing, also no hung runs.
      builder.monitor = {
        ...builder.monitor,
        state: 'paused',
        pausedAt: now,
        pausedBy: event.by,
        openRuns: [],
      };
      return builder.finish();
    case 'resume':
      return applyResume(builder);
    case 'silence':
      builder.monitor = { ...monitor, silencedUntil: event.until, silencedBy: event.by };
      if (monitor.incident) builder.syncAlert(monitor.incident, false);
      return builder.finish();
    case 'unsilence':
    case 'silence_expired':
      if (monitor.silencedUntil === null) return builder.finish(false);
      if (event.type === 'silence_expired' && monitor.silencedUntil > now) {
        return builder.finish(false);
      }
      builder.monitor = { ...monitor, silencedUntil: null, silencedBy: null };
      // An incident that opened during the silence is posted now that the silence is over.
      if (monitor.incident) builder.syncAlert(monitor.incident, false);
      return builder.finish();
    case 'acknowledge':
      return applyAcknowledge(builder, event.incidentId, event.by);
    case 'delete':
      builder.closeIncident('deleted', event.by);
      builder.monitor = { ...builder.monitor, state: 'paused', pausedAt: now, pausedBy: event.by };
      return builder.finish();
  }
}
