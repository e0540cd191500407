// The output of a failed run as alerts show it: a body is stored as the job sent it, and may
// hold bytes that chat messages should not carry.

import { describe, expect, it } from 'vitest';
import { renderAlert, shownOutput } from '../../src/bot/alert-view.js';
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
