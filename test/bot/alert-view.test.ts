// The output of a failed run as alerts show it: a body is stored as the job sent it, and may
// hold bytes that chat messages should not carry.

import { describe, expect, it } from 'vitest';
import { renderAlert, renderThreadNote, shownOutput } from '../../src/bot/alert-view.js';
import { transition } from '../../src/domain/machine.js';
import { monitorFixture, pingFixture } from '../support/monitors.js';

describe('shownOutput', () => {
  it('keeps text, newlines and tabs', () => {
    expect(shownOutput('Error: disk full\n\tat /var/backups ✗')).toBe(
      'Error: disk full\n\tat /var/backups ✗',
    );
  });

  it('replaces CRLF and control characters', () => {
    expect(shownOutput('a\r\nb\u0000c\u001b[31mred\u007f\rd')).toBe(
      'a\nb\ufffdc\ufffd[31mred\ufffd\ufffdd',
    );
  });

  it('passes null through', () => {
    expect(shownOutput(null)).toBeNull();
  });
});

describe('renderAlert output', () => {
  it('replaces NUL bytes in failed output', () => {
    const body = 'PK\u0003\u0004binary\u0000zip';
    const ping = pingFixture('fail', { exitStatus: 3, body });
    const failed = transition(monitorFixture(), { type: 'ping', ping }, 1000).monitor;
    const incident = failed.incident!;
    expect(incident.bodyExcerpt).toBe(body);

    const view = renderAlert(failed, incident, { timezone: 'UTC', now: 2000 });

    expect(view.output).toBe('PK\ufffd\ufffdbinary\ufffdzip');
  });
});

describe('a failure after a hang', () => {
  const startedAt = Date.UTC(2026, 2, 3, 10, 0);
  const monitor = monitorFixture({ maxRuntimeMs: 60_000 });
  const running = transition(
    monitor,
    { type: 'ping', ping: pingFixture('start') },
    startedAt,
  ).monitor;
  const hung = transition(running, { type: 'deadline' }, startedAt + 61_000).monitor;
  const failedAt = startedAt + 5 * 60_000;
  const ping = pingFixture('fail', { exitStatus: 3 });
  const result = transition(hung, { type: 'ping', ping }, failedAt);

  it('shows when the run failed', () => {
    const view = renderAlert(result.monitor, result.monitor.incident!, {
      timezone: 'UTC',
      now: failedAt,
    });
    expect(view.fields).toContainEqual({ label: 'Failed at', value: 'today, 10:05 UTC' });
  });

  it('says the run failed, not again', () => {
    const reply = result.effects.find((effect) => effect.type === 'thread_reply');
    expect(reply?.type).toBe('thread_reply');
    const text =
      reply?.type === 'thread_reply'
        ? renderThreadNote(reply.note, { timezone: 'UTC', now: failedAt })
        : '';
    expect(text).toBe('The run failed, with exit status 3.');
  });
});
