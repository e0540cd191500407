import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/effects.js';
import {
  ALERT_BODY_EXCERPT_CHARS,
  isMissedRunReminder,
  type MonitorEvent,
  transition,
} from '../../src/domain/machine.js';
import type { Monitor } from '../../src/domain/types.js';
import { HOUR, MINUTE, monitorFixture, pingFixture } from '../support/monitors.js';

type Step = [at: number, event: MonitorEvent];

const success: MonitorEvent = { type: 'ping', ping: pingFixture('success') };
const start: MonitorEvent = { type: 'ping', ping: pingFixture('start') };
const deadline: MonitorEvent = { type: 'deadline' };
const fail = (exitStatus: number | null = null, body = ''): MonitorEvent => ({
  type: 'ping',
  ping: pingFixture('fail', { exitStatus, body }),
});

/** Applies steps in order and collects every effect with the time it happened. */
function run(monitor: Monitor, steps: Step[]) {
  let current = monitor;
  const effects: { at: number; effect: Effect }[] = [];
  const durations: (number | null)[] = [];
  for (const [at, event] of steps) {
    const result = transition(current, event, at);
    current = result.monitor;
    durations.push(result.pingDurationMs);
    for (const effect of result.effects) effects.push({ at, effect });
  }
  return { monitor: current, effects, durations };
}

/** Fires the deadline job when it is due, as the scheduler would. */
function fireDeadline(monitor: Monitor): Step {
  return [monitor.dueAt! + 1, deadline];
}

function syncs(effects: { effect: Effect }[]) {
  return effects.filter(({ effect }) => effect.type === 'sync_alert');
}

describe('new monitor', () => {
  it('has no deadline before its first ping', () => {
    const monitor = monitorFixture();
    expect(monitor.state).toBe('new');
    expect(monitor.dueAt).toBeNull();
    const result = transition(monitor, deadline, 10 * HOUR);
    expect(result.changed).toBe(false);
    expect(result.effects).toEqual([]);
  });

  it('goes up on its first success', () => {
    const { monitor } = run(monitorFixture(), [[1000, success]]);
    expect(monitor.state).toBe('up');
    expect(monitor.lastSuccessAt).toBe(1000);
    expect(monitor.expectedAt).toBe(1000 + 600_000);
    expect(monitor.dueAt).toBe(1000 + 600_000 + MINUTE);
    expect(monitor.deadlineKind).toBe('late');
    expect(monitor.generation).toBe(1);
  });
});

describe('late and missed', () => {
  const up = run(monitorFixture(), [[0, success]]).monitor;

  it('posts nothing at the expected time itself', () => {
    const result = transition(up, deadline, up.expectedAt!);
    expect(result.changed).toBe(false);
    expect(result.effects).toEqual([]);
  });

  it('opens one late incident after the grace period', () => {
    const { monitor, effects } = run(up, [fireDeadline(up)]);
    expect(monitor.state).toBe('late');
    expect(monitor.incident?.kind).toBe('late');
    expect(monitor.incident?.expectedAt).toBe(600_000);
    expect(monitor.incident?.lastPingAt).toBe(0);
    expect(monitor.incident?.missedRuns).toBe(1);
    expect(syncs(effects)).toHaveLength(1);
    expect(monitor.deadlineKind).toBe('missed');
    expect(monitor.dueAt).toBe(1_200_000 + MINUTE);
  });

  it('turns late into missed in place, then counts in the thread', () => {
    const late = run(up, [fireDeadline(up)]).monitor;
    const missed = run(late, [fireDeadline(late)]);
    expect(missed.monitor.state).toBe('missed');
    expect(missed.monitor.incident?.id).toBe(late.incident?.id);
    expect(missed.monitor.incident?.missedRuns).toBe(2);
    expect(missed.effects.map(({ effect }) => effect.type)).toEqual(['sync_alert']);

    const third = run(missed.monitor, [fireDeadline(missed.monitor)]);
    expect(third.monitor.incident?.missedRuns).toBe(3);
    const replies = third.effects.filter(({ effect }) => effect.type === 'thread_reply');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.effect).toMatchObject({ note: { kind: 'missed_again', missedRuns: 3 } });
  });

  it('replies to missed runs on a thinning schedule', () => {
    let monitor = run(up, [fireDeadline(up)]).monitor;
    const repliedAt: number[] = [];
    for (let missed = 2; missed <= 120; missed++) {
      const next = run(monitor, [fireDeadline(monitor)]);
      monitor = next.monitor;
      expect(monitor.incident?.missedRuns).toBe(missed);
      // Every missed run edits the alert, so its count stays current.
      expect(syncs(next.effects)).toHaveLength(1);
      if (next.effects.some(({ effect }) => effect.type === 'thread_reply')) repliedAt.push(missed);
    }

    expect(repliedAt).toEqual([3, 5, 10, 20, 50, 100]);
  });

  it('reminds at 1, 2 and 5 times a power of ten', () => {
    const reminders = [200, 500, 1000, 2000, 5000, 10_000];
    const others = [4, 6, 9, 11, 30, 150, 300, 999, 1001, 2500];

    expect(reminders.filter(isMissedRunReminder)).toEqual(reminders);
    expect(others.filter(isMissedRunReminder)).toEqual([]);
  });

  it('closes a late incident as ran late, by how much', () => {
    const late = run(up, [fireDeadline(up)]).monitor;
    const at = 600_000 + 4 * MINUTE;
    const { monitor, effects } = run(late, [[at, success]]);
    expect(monitor.state).toBe('up');
    expect(monitor.incident).toBeNull();
    const closed = effects.find(({ effect }) => effect.type === 'archive_incident');
    expect(closed?.effect).toMatchObject({ incident: { closeReason: 'ran_late', closedAt: at } });
    const reply = effects.find(({ effect }) => effect.type === 'thread_reply');
    expect(reply?.effect).toMatchObject({ note: { kind: 'ran_late', lateByMs: 4 * MINUTE } });
  });

  it('closes a missed incident as recovered, after how long', () => {
    const late = run(up, [fireDeadline(up)]).monitor;
    const missed = run(late, [fireDeadline(late)]).monitor;
    const openedAt = late.incident!.openedAt;
    const at = openedAt + 30 * MINUTE;
    const { effects } = run(missed, [[at, success]]);
    const reply = effects.find(({ effect }) => effect.type === 'thread_reply');
    expect(reply?.effect).toMatchObject({ note: { kind: 'recovered', afterMs: 30 * MINUTE } });
  });
});

describe('deadline boundary', () => {
  it('keeps a success exactly at last plus period up', () => {
    const up = run(monitorFixture({ graceMs: 1000 }), [[0, success]]).monitor;
    const { monitor, effects } = run(up, [[600_000, success]]);
    expect(monitor.state).toBe('up');
    expect(effects).toEqual([]);
  });

  it('treats the deadline itself as on time', () => {
    const up = run(monitorFixture(), [[0, success]]).monitor;
    const atDeadline = transition(up, deadline, up.dueAt!);
    expect(atDeadline.changed).toBe(false);
    const after = transition(up, deadline, up.dueAt! + 1);
    expect(after.monitor.state).toBe('late');
  });

  it('lets a ping at the deadline win over the job', () => {
    const up = run(monitorFixture(), [[0, success]]).monitor;
    const pinged = transition(up, success, up.dueAt!).monitor;
    const job = transition(pinged, deadline, up.dueAt! + 1);
    expect(job.changed).toBe(false);
    expect(job.monitor.state).toBe('up');
  });

  it('does nothing when a job fires early on a skewed clock', () => {
    const up = run(monitorFixture(), [[0, success]]).monitor;
    const early = transition(up, deadline, up.dueAt! - 120_000);
    expect(early.changed).toBe(false);
    expect(early.monitor.dueAt).toBe(up.dueAt);
  });
});

describe('long period', () => {
  it('goes late 31 days after the last ping, not at once', () => {
    const days31 = 31 * 86_400;
    const up = run(monitorFixture({ schedule: { kind: 'interval', periodSeconds: days31 } }), [
      [0, success],
    ]).monitor;
    expect(up.dueAt).toBe(days31 * 1000 + MINUTE);
    expect(transition(up, deadline, days31 * 1000).changed).toBe(false);
    expect(transition(up, deadline, days31 * 1000 + MINUTE + 1).monitor.state).toBe('late');
  });
});

describe('failed runs', () => {
  it('opens a failed incident with exit status and body', () => {
    const { monitor, effects } = run(monitorFixture(), [[0, fail(3, 'disk full')]]);
    expect(monitor.state).toBe('failed');
    expect(monitor.incident).toMatchObject({
      kind: 'failed',
      exitStatus: 3,
      bodyExcerpt: 'disk full',
    });
    expect(syncs(effects)).toHaveLength(1);
    expect(monitor.dueAt).toBeNull();
  });

  it('alerts once for fail then up, with no missed alert between', () => {
    const monitor = monitorFixture({ schedule: { kind: 'interval', periodSeconds: 900 } });
    const T = 1_000_000;
    let current = run(monitor, [[T, success]]).monitor;
    const failed = run(current, [[T + 10_000, fail()]]);
    current = failed.monitor;
    expect(syncs(failed.effects)).toHaveLength(1);
    // No deadline while failed: nothing can fire until the next ping.
    expect(current.dueAt).toBeNull();
    const recovered = run(current, [[T + 20 * MINUTE, success]]);
    const opened = [...failed.effects, ...recovered.effects].filter(
      ({ effect }) => effect.type === 'sync_alert' && effect.incident.closedAt === null,
    );
    expect(opened).toHaveLength(1);
    const reply = recovered.effects.find(({ effect }) => effect.type === 'thread_reply');
    expect(reply?.effect).toMatchObject({
      note: { kind: 'recovered', afterMs: 20 * MINUTE - 10_000 },
    });
    expect(recovered.monitor.state).toBe('up');
  });

  it('counts a repeat failure in the same incident', () => {
    const first = run(monitorFixture(), [[0, fail(1)]]).monitor;
    const { monitor, effects } = run(first, [[60_000, fail(2)]]);
    expect(monitor.incident?.id).toBe(first.incident?.id);
    expect(monitor.incident?.repeats).toBe(1);
    expect(monitor.incident?.exitStatus).toBe(2);
    const reply = effects.findLast(({ effect }) => effect.type === 'thread_reply');
    expect(reply?.effect).toMatchObject({ note: { kind: 'failed_again', exitStatus: 2 } });
  });

  it('moves the first failure to the thread when it fails again', () => {
    const first = run(monitorFixture(), [[0, fail(1, 'disk full')]]).monitor;
    const second = run(first, [[60_000, fail(2, 'checksum mismatch')]]);
    const third = run(second.monitor, [[120_000, fail(3, 'timeout')]]);

    const notes = (effects: { effect: Effect }[]) =>
      effects.flatMap(({ effect }) => (effect.type === 'thread_reply' ? [effect] : []));
    expect(notes(second.effects).map(({ note, sequence }) => ({ note, sequence }))).toEqual([
      {
        note: { kind: 'failed_again', exitStatus: 1, bodyExcerpt: 'disk full', firstFailure: true },
        sequence: 0,
      },
      {
        note: {
          kind: 'failed_again',
          exitStatus: 2,
          bodyExcerpt: 'checksum mismatch',
          firstFailure: false,
        },
        sequence: 1,
      },
    ]);
    expect(second.monitor.incident?.bodyExcerpt).toBe('checksum mismatch');
    // Later failures were each in a reply of their own already.
    expect(notes(third.effects).map(({ note }) => note)).toEqual([
      { kind: 'failed_again', exitStatus: 3, bodyExcerpt: 'timeout', firstFailure: false },
    ]);
  });

  it('marks a failure after a hang as the first', () => {
    const running = run(monitorFixture({ maxRuntimeMs: MINUTE }), [[0, start]]).monitor;
    const hung = run(running, [fireDeadline(running)]).monitor;
    expect(hung.incident?.kind).toBe('hung');
    const failedAt = hung.dueAt === null ? 5 * MINUTE : hung.dueAt + MINUTE;
    const { monitor, effects } = run(hung, [[failedAt, fail(3)]]);
    expect(monitor.incident?.kind).toBe('failed');
    expect(monitor.incident?.openedAt).toBe(hung.incident?.openedAt);
    expect(monitor.incident?.failedAt).toBe(failedAt);
    const reply = effects.find(({ effect }) => effect.type === 'thread_reply');
    expect(reply?.effect).toMatchObject({
      note: { kind: 'failed_again', exitStatus: 3, firstFailure: true },
    });
  });

  it('records the time of each failure', () => {
    const first = run(monitorFixture(), [[0, fail(1)]]).monitor;
    expect(first.incident?.failedAt).toBe(0);
    const { monitor, effects } = run(first, [[60_000, fail(2)]]);
    expect(monitor.incident?.failedAt).toBe(60_000);
    const reply = effects.findLast(({ effect }) => effect.type === 'thread_reply');
    expect(reply?.effect).toMatchObject({ note: { firstFailure: false } });
  });

  it('counts failures, not late runs', () => {
    const first = run(monitorFixture(), [[0, fail(1)]]).monitor;
    expect(first.incident?.failures).toBe(1);
    const third = run(first, [
      [60_000, fail(2)],
      [120_000, fail(3)],
    ]).monitor;
    expect(third.incident?.failures).toBe(3);

    const up = run(monitorFixture(), [[0, success]]).monitor;
    const late = run(up, [fireDeadline(up)]).monitor;
    expect(late.incident?.failures).toBe(0);
    expect(run(late, [[late.dueAt! - 1000, fail(1)]]).monitor.incident?.failures).toBe(1);
  });

  it('counts the opening failure of an older record', () => {
    const first = run(monitorFixture(), [[0, fail(1)]]).monitor;
    const stored = { ...first, incident: { ...first.incident!, failures: 0 } };
    expect(run(stored, [[60_000, fail(2)]]).monitor.incident?.failures).toBe(2);
  });

  it('turns an open late incident into a failed one', () => {
    const up = run(monitorFixture(), [[0, success]]).monitor;
    const late = run(up, [fireDeadline(up)]).monitor;
    const { monitor } = run(late, [[late.dueAt! - 1000, fail(1)]]);
    expect(monitor.incident?.id).toBe(late.incident?.id);
    expect(monitor.incident?.kind).toBe('failed');
    expect(monitor.state).toBe('failed');
  });
});

describe('failed output excerpt', () => {
  /** Fails a fresh monitor with `body` and returns the excerpt its incident keeps. */
  function excerptOf(body: string, bodyBytesCut = 0): string | null | undefined {
    const ping = pingFixture('fail', { exitStatus: 1, body, bodyBytesCut });
    return transition(monitorFixture(), { type: 'ping', ping }, 0).monitor.incident?.bodyExcerpt;
  }

  /** Numbered lines, `line 1` to `line <count>`, each ending with a newline. */
  function numberedLines(count: number): string {
    let text = '';
    for (let n = 1; n <= count; n++) text += `line ${n}\n`;
    return text;
  }

  it('keeps the end of a long output', () => {
    const body = `${numberedLines(300)}Error: disk full\n`;
    // The last 500 characters start inside "line 247\n", so the excerpt starts at line 248.
    const shownFrom = body.indexOf('line 248\n');
    expect(shownFrom).toBeGreaterThan(body.length - ALERT_BODY_EXCERPT_CHARS);
    expect(shownFrom).toBe(2115);

    const excerpt = excerptOf(body);

    expect(excerpt).toBe(`… (2,115 earlier characters not shown)\n${body.slice(shownFrom)}`);
    expect(excerpt?.endsWith('line 300\nError: disk full\n')).toBe(true);
    expect(excerpt).not.toContain('line 1\n');
  });

  it('keeps a short output unchanged', () => {
    expect(excerptOf('disk full')).toBe('disk full');
    const full = 'x'.repeat(ALERT_BODY_EXCERPT_CHARS);
    expect(excerptOf(full)).toBe(full);
  });

  it('keeps no excerpt of an empty body', () => {
    expect(excerptOf('')).toBeNull();
  });

  it('marks a body cut at the storage limit', () => {
    const body = 'x'.repeat(100_000);

    const excerpt = excerptOf(body, 56_789);

    expect(excerpt).toBe(
      '… (99,500 earlier characters not shown, 56,789 earlier bytes not stored)\n' +
        'x'.repeat(ALERT_BODY_EXCERPT_CHARS),
    );
  });

  it('marks bytes cut from a short body', () => {
    expect(excerptOf('step 3 of 9', 12)).toBe('… (12 earlier bytes not stored)\nstep 3 of 9');
    expect(excerptOf('step 3 of 9\n', 12)).toBe('… (12 earlier bytes not stored)\nstep 3 of 9\n');
    expect(excerptOf('', 5)).toBe('… (5 earlier bytes not stored)');
  });

  it('starts a cut short body at a line', () => {
    // The stored body starts where the limit cut it, so its first line is a fragment.
    const excerpt = excerptOf('ep 3 of 9\nstep 4 of 9\n', 12);

    expect(excerpt).toBe(
      '… (10 earlier characters not shown, 12 earlier bytes not stored)\nstep 4 of 9\n',
    );
  });

  it('starts at a newline in the first 100 characters', () => {
    // The last 500 characters are 99 "a", a newline and 400 "b".
    const body = `${'x'.repeat(1000)}${'a'.repeat(99)}\n${'b'.repeat(400)}`;

    expect(excerptOf(body)).toBe(`… (1,100 earlier characters not shown)\n${'b'.repeat(400)}`);
  });

  it('ignores a newline past 100 characters', () => {
    // The newline is the 101st of the last 500 characters.
    const lastChars = `${'a'.repeat(100)}\n${'b'.repeat(399)}`;
    const body = `${'x'.repeat(1000)}${lastChars}`;

    expect(excerptOf(body)).toBe(`… (1,000 earlier characters not shown)\n${lastChars}`);
  });

  it('keeps a start at a line start', () => {
    const lastChars = `${'a'.repeat(50)}\n${'b'.repeat(449)}`;
    const body = `${'x'.repeat(999)}\n${lastChars}`;

    expect(excerptOf(body)).toBe(`… (1,000 earlier characters not shown)\n${lastChars}`);
  });

  it('keeps a surrogate pair whole', () => {
    // The odd length puts the cut between the two halves of an emoji.
    const body = `${'😀'.repeat(300)}x`;
    const cutAt = body.length - ALERT_BODY_EXCERPT_CHARS;
    expect(body.charCodeAt(cutAt)).toBeGreaterThanOrEqual(0xdc00);

    const excerpt = excerptOf(body);

    expect(excerpt).toBe(`… (${cutAt + 1} earlier characters not shown)\n${'😀'.repeat(249)}x`);
    expect(excerpt).not.toMatch(/(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('repeats the excerpt in failed_again', () => {
    const first = run(monitorFixture(), [[0, fail(1)]]).monitor;
    const body = `${numberedLines(300)}Error: disk full\n`;
    const ping = pingFixture('fail', { exitStatus: 2, body, bodyBytesCut: 7 });

    const { monitor, effects } = transition(first, { type: 'ping', ping }, 60_000);

    const reply = effects.findLast((effect) => effect.type === 'thread_reply');
    const note = reply?.type === 'thread_reply' ? reply.note : null;
    expect(note?.kind).toBe('failed_again');
    const noteExcerpt = note?.kind === 'failed_again' ? note.bodyExcerpt : null;
    expect(noteExcerpt).toBe(monitor.incident?.bodyExcerpt);
    expect(noteExcerpt).toMatch(
      /^… \([\d,]+ earlier characters not shown, 7 earlier bytes not stored\)\nline 248\n/,
    );
    expect(noteExcerpt).toMatch(/line 300\nError: disk full\n$/);
  });
});

describe('start and run time', () => {
  const daily = { kind: 'cron', expression: '0 5 * * *', timezone: 'UTC' } as const;
  const at = (iso: string) => Date.parse(iso);

  it('stays up for a long run within its maximum run time', () => {
    const monitor = monitorFixture({ schedule: daily, graceMs: HOUR, maxRuntimeMs: 8 * HOUR });
    const started = run(monitor, [
      [at('2026-03-01T05:00:00Z'), success],
      [at('2026-03-02T05:00:00Z'), start],
    ]).monitor;
    expect(started.deadlineKind).toBe('hung');
    expect(started.dueAt).toBe(at('2026-03-02T13:00:00Z'));
    // The late deadline (06:00) is suspended while the run is open.
    expect(transition(started, deadline, at('2026-03-02T06:00:01Z')).changed).toBe(false);
    const {
      monitor: done,
      effects,
      durations,
    } = run(started, [[at('2026-03-02T11:00:00Z'), success]]);
    expect(done.state).toBe('up');
    expect(effects).toEqual([]);
    expect(durations).toEqual([6 * HOUR]);
  });

  it('goes hung at start plus grace without a maximum run time', () => {
    const monitor = monitorFixture({ schedule: daily, graceMs: HOUR });
    const started = run(monitor, [
      [at('2026-03-01T05:00:00Z'), success],
      [at('2026-03-02T05:00:00Z'), start],
    ]).monitor;
    expect(started.dueAt).toBe(at('2026-03-02T06:00:00Z'));
    const { monitor: hung, effects } = run(started, [fireDeadline(started)]);
    expect(hung.state).toBe('hung');
    expect(hung.incident).toMatchObject({ kind: 'hung', runningSince: at('2026-03-02T05:00:00Z') });
    expect(syncs(effects)).toHaveLength(1);
  });

  it('drops a hung run once another run starts', () => {
    const monitor = monitorFixture({
      schedule: { kind: 'interval', periodSeconds: 120 },
      graceMs: 15_000,
      maxRuntimeMs: 20_000,
    });
    const ridPing = (kind: 'start' | 'success' | 'fail'): MonitorEvent => ({
      type: 'ping',
      ping: pingFixture(kind, { rid: '00000000-0000-4000-8000-000000000001' }),
    });
    const base = at('2026-03-02T10:00:00Z');
    const started = run(monitor, [
      [base, success],
      [base + MINUTE, start],
    ]).monitor;
    const hung = run(started, [fireDeadline(started)]).monitor;
    expect(hung.incident?.kind).toBe('hung');

    // Another run starts and succeeds twice over, then fails, while the hung run never reports.
    const later = hung.dueAt ?? base + 2 * MINUTE;
    const restarted = run(hung, [[later + 1000, ridPing('start')]]).monitor;
    expect(restarted.openRuns.map((r) => r.rid)).toEqual(['00000000-0000-4000-8000-000000000001']);
    expect(restarted.deadlineKind).toBe('hung');
    expect(restarted.dueAt).toBe(later + 1000 + 20_000);

    const { monitor: recovered, effects } = run(restarted, [
      [later + 2000, ridPing('start')],
      [later + 3000, ridPing('success')],
      [later + 3010, ridPing('success')],
    ]);
    expect(recovered.state).toBe('up');
    expect(recovered.incident).toBeNull();
    expect(recovered.openRuns).toEqual([]);
    expect(recovered.deadlineKind).toBe('late');
    const closed = syncs(effects).map(({ effect }) => effect);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ incident: { kind: 'hung', closeReason: 'recovered' } });

    const { monitor: failed, effects: failEffects } = run(recovered, [
      [later + 4000, ridPing('fail')],
    ]);
    expect(failed.incident?.kind).toBe('failed');
    expect(failed.incident?.id).not.toBe(hung.incident?.id);
    expect(syncs(failEffects)).toHaveLength(1);
  });

  it('keeps the start of a repeated run id', () => {
    const monitor = monitorFixture({ graceMs: MINUTE, maxRuntimeMs: 10_000 });
    const ridStart: MonitorEvent = {
      type: 'ping',
      ping: pingFixture('start', { rid: '00000000-0000-4000-8000-000000000003' }),
    };
    const started = run(monitor, [
      [0, success],
      [MINUTE, ridStart],
      [MINUTE + 5000, ridStart],
    ]).monitor;
    expect(started.openRuns).toEqual([
      { rid: '00000000-0000-4000-8000-000000000003', startedAt: MINUTE },
    ]);
    expect(started.dueAt).toBe(MINUTE + 10_000);
  });

  it('keeps the earliest start while hung', () => {
    const monitor = monitorFixture({ graceMs: MINUTE, maxRuntimeMs: 10_000 });
    const started = run(monitor, [
      [0, success],
      [MINUTE, start],
    ]).monitor;
    const hung = run(started, [fireDeadline(started)]).monitor;
    expect(hung.incident?.runningSince).toBe(MINUTE);

    // A second run starts and hangs too, while the first alert is still open.
    const restarted = run(hung, [[MINUTE + 20_000, start]]).monitor;
    const { monitor: again, effects } = run(restarted, [fireDeadline(restarted)]);
    expect(again.incident?.id).toBe(hung.incident?.id);
    expect(again.incident?.runningSince).toBe(MINUTE);
    const replies = effects.filter(({ effect }) => effect.type === 'thread_reply');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.effect).toMatchObject({
      note: { kind: 'hung', runningSince: MINUTE + 20_000 },
    });
  });

  it('drops a hung run once a failure comes', () => {
    const monitor = monitorFixture({ graceMs: MINUTE, maxRuntimeMs: 5 * MINUTE });
    const started = run(monitor, [
      [0, success],
      [MINUTE, start],
    ]).monitor;
    const hung = run(started, [fireDeadline(started)]).monitor;
    const ridFail: MonitorEvent = {
      type: 'ping',
      ping: pingFixture('fail', { rid: '00000000-0000-4000-8000-000000000002' }),
    };
    const failed = run(hung, [[hung.dueAt ?? 7 * MINUTE, ridFail]]).monitor;
    expect(failed.state).toBe('failed');
    expect(failed.openRuns).toEqual([]);

    // The next success closes the failure and arms the late deadline, not another hung one.
    const up = run(failed, [[8 * MINUTE, success]]).monitor;
    expect(up.deadlineKind).toBe('late');
    expect(up.incident).toBeNull();
  });

  it('pairs overlapping runs by run id', () => {
    const monitor = monitorFixture({ graceMs: HOUR });
    const rid = (id: string) => `00000000-0000-4000-8000-00000000000${id}`;
    const ping = (kind: 'start' | 'success' | 'fail', id: string): MonitorEvent => ({
      type: 'ping',
      ping: pingFixture(kind, { rid: rid(id) }),
    });
    const base = at('2026-03-02T10:00:00Z');
    const {
      monitor: final,
      durations,
      effects,
    } = run(monitor, [
      [base, ping('start', 'a')],
      [base + 5 * MINUTE, ping('start', 'b')],
      [base + 20 * MINUTE, ping('success', 'a')],
      [base + 40 * MINUTE, ping('fail', 'b')],
    ]);
    expect(durations).toEqual([null, null, 20 * MINUTE, 35 * MINUTE]);
    expect(final.state).toBe('failed');
    expect(final.openRuns).toEqual([]);
    expect(syncs(effects)).toHaveLength(1);
  });
});

describe('pause, resume, silence, acknowledge', () => {
  const up = run(monitorFixture(), [[0, success]]).monitor;
  const late = run(up, [fireDeadline(up)]).monitor;

  it('pauses: closes the incident and drops the deadline', () => {
    const { monitor, effects } = run(late, [[late.dueAt! - 1, { type: 'pause', by: 'U1' }]]);
    expect(monitor.state).toBe('paused');
    expect(monitor.dueAt).toBeNull();
    expect(monitor.incident).toBeNull();
    const closed = effects.find(({ effect }) => effect.type === 'archive_incident');
    expect(closed?.effect).toMatchObject({ incident: { closeReason: 'paused', closedBy: 'U1' } });
  });

  it('resumes with a fresh window', () => {
    const paused = run(up, [[1000, { type: 'pause', by: 'U1' }]]).monitor;
    const { monitor } = run(paused, [[5 * HOUR, { type: 'resume', by: 'U1' }]]);
    expect(monitor.state).toBe('up');
    expect(monitor.expectedAt).toBe(5 * HOUR + 600_000);
  });

  it('resumes on the next ping', () => {
    const paused = run(up, [[1000, { type: 'pause', by: 'U1' }]]).monitor;
    const { monitor } = run(paused, [[2 * HOUR, success]]);
    expect(monitor.state).toBe('up');
    expect(monitor.pausedAt).toBeNull();
  });

  it('holds back new alerts while silenced', () => {
    const silenced = run(up, [[1000, { type: 'silence', until: 2 * HOUR, by: 'U1' }]]).monitor;
    const { monitor, effects } = run(silenced, [fireDeadline(silenced)]);
    expect(monitor.state).toBe('late');
    expect(syncs(effects)).toEqual([]);
    const expired = run(monitor, [[2 * HOUR, { type: 'silence_expired' }]]);
    expect(expired.monitor.silencedUntil).toBeNull();
    expect(syncs(expired.effects)).toHaveLength(1);
  });

  it('ignores a silence expiry after the silence was extended', () => {
    const silenced = run(up, [[1000, { type: 'silence', until: 5 * HOUR, by: 'U1' }]]).monitor;
    expect(transition(silenced, { type: 'silence_expired' }, 2 * HOUR).changed).toBe(false);
  });

  it('acknowledges once, naming who', () => {
    const id = late.incident!.id;
    const { monitor, effects } = run(late, [
      [700_000, { type: 'acknowledge', incidentId: id, by: 'U2' }],
    ]);
    expect(monitor.incident).toMatchObject({ acknowledgedBy: 'U2', acknowledgedAt: 700_000 });
    expect(syncs(effects)).toHaveLength(1);
    const again = transition(monitor, { type: 'acknowledge', incidentId: id, by: 'U3' }, 800_000);
    expect(again.changed).toBe(false);
  });

  it('stops thread follow-ups once acknowledged', () => {
    const id = late.incident!.id;
    let current = run(late, [[700_000, { type: 'acknowledge', incidentId: id, by: 'U2' }]]).monitor;
    current = run(current, [fireDeadline(current)]).monitor;
    const { effects } = run(current, [fireDeadline(current)]);
    expect(effects.filter(({ effect }) => effect.type === 'thread_reply')).toEqual([]);
  });

  it('ignores an acknowledge for another incident', () => {
    expect(
      transition(late, { type: 'acknowledge', incidentId: 'other', by: 'U2' }, 1).changed,
    ).toBe(false);
  });
});

describe('log pings and generations', () => {
  it('changes nothing for a log ping', () => {
    const up = run(monitorFixture(), [[0, success]]).monitor;
    const result = transition(up, { type: 'ping', ping: pingFixture('log') }, 1000);
    expect(result.changed).toBe(false);
    expect(result.monitor.generation).toBe(up.generation);
  });

  it('bumps the generation on every change', () => {
    const { monitor } = run(monitorFixture(), [
      [0, success],
      [1000, success],
      [2000, fail()],
    ]);
    expect(monitor.generation).toBe(3);
  });
});

describe("Drumbeat's own downtime", () => {
  const minutely = monitorFixture({
    schedule: { kind: 'interval', periodSeconds: 60 },
    graceMs: 10_000,
  });
  const up = run(minutely, [[0, success]]).monitor;

  it('starts a fresh window instead of alerting', () => {
    // Down from 0:30 to 2:30; the deadline job (due 1:10) runs at the restart.
    const upSince = 150_000;
    const result = transition(up, { type: 'deadline', ingestUpSince: upSince }, upSince + 5);
    expect(result.changed).toBe(true);
    expect(result.effects).toEqual([]);
    expect(result.monitor.state).toBe('up');
    expect(result.monitor.expectedAt).toBe(upSince + 60_000);
    expect(result.monitor.dueAt).toBe(upSince + 70_000);
  });

  it('alerts after the fresh window passes with no ping', () => {
    const upSince = 150_000;
    const fresh = transition(up, { type: 'deadline', ingestUpSince: upSince }, upSince + 5).monitor;
    const late = transition(fresh, { type: 'deadline', ingestUpSince: upSince }, fresh.dueAt! + 1);
    expect(late.monitor.state).toBe('late');
    expect(syncs(late.effects.map((effect) => ({ effect })))).toHaveLength(1);
  });

  it('alerts as usual when the restart came before the last ping', () => {
    const pinged = run(minutely, [[200_000, success]]).monitor;
    const result = transition(
      pinged,
      { type: 'deadline', ingestUpSince: 150_000 },
      pinged.dueAt! + 1,
    );
    expect(result.monitor.state).toBe('late');
  });

  it('alerts when the downtime did not cover the expected run', () => {
    const daily = monitorFixture({
      schedule: { kind: 'cron', expression: '0 2 * * *', timezone: 'UTC' },
      graceMs: HOUR,
    });
    const pinged = run(daily, [[Date.parse('2026-03-01T02:00:00Z'), success]]).monitor;
    const upSince = Date.parse('2026-03-02T01:00:00Z');
    const result = transition(
      pinged,
      { type: 'deadline', ingestUpSince: upSince },
      pinged.dueAt! + 1,
    );
    expect(result.monitor.state).toBe('late');
  });
});

describe('pause with an open run', () => {
  it('forgets open runs, so no hung alert follows', () => {
    const started = run(monitorFixture(), [
      [0, success],
      [1000, start],
    ]).monitor;
    const paused = transition(started, { type: 'pause', by: 'U1' }, 2000).monitor;
    expect(paused.openRuns).toEqual([]);
    expect(paused.dueAt).toBeNull();
  });
});
