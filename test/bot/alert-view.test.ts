// The output of a failed run as alerts show it: a body is stored as the job sent it, and may
// hold bytes that chat messages should not carry.

import { describe, expect, it } from 'vitest';
import { renderAlert, shownOutput } from '../../src/bot/alert-view.js';
import { monitorFixture } from '../support/monitors.js';

describe('shownOutput', () => {
  it('keeps text, newlines and tabs as they are', () => {
    expect(shownOutput('Error: disk full\n\tat /var/backups ✗')).toBe(
      'Error: disk full\n\tat /var/backups ✗',
    );
  });

  it('turns CRLF into newlines and replaces other control characters', () => {
    expect(shownOutput('a\r\nb\u0000c\u001b[31mred\u007f\rd')).toBe(
      'a\nb\ufffdc\ufffd[31mred\ufffd\ufffdd',
    );
  });

  it('passes null through', () => {
    expect(shownOutput(null)).toBeNull();
  });
});

describe('renderAlert output', () => {
  it('shows the body of a failed run without its NUL bytes', () => {
    const monitor = monitorFixture();
    const incident = {
      id: 'inc1',
      kind: 'failed' as const,
      openedAt: 1000,
      expectedAt: null,
      missedRuns: 0,
      lastPingAt: 1000,
      exitStatus: 3,
      bodyExcerpt: 'PK\u0003\u0004binary\u0000zip',
      runningSince: null,
      repeats: 0,
      acknowledgedBy: null,
      acknowledgedAt: null,
      closedAt: null,
      closeReason: null,
      closedBy: null,
    };
    const view = renderAlert(monitor, incident, { timezone: 'UTC', now: 2000 });
    expect(view.output).toBe('PK\ufffd\ufffdbinary\ufffdzip');
  });
});
