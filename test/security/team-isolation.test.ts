// Team isolation with three fixed users: the owner who creates a monitor, a teammate in the
// same Slack workspace, and an outsider in another workspace. The outsider can neither see
// nor change the owner's monitor, by command or by a forged button payload; the teammate can.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Monitor } from '../../src/domain/types.js';
import {
  CHANNEL,
  type CreatedMonitor,
  FaultStack,
  SIGNING_SECRET,
  TEAM,
} from '../faults/harness.js';
import { waitFor } from '../support/redis.js';
import { buttonPressPayload, interactionBody, postSigned } from '../support/slack-signing.js';

const TEAMMATE = 'U0MATE001';
const OUTSIDER_TEAM = 'T0OUTSIDE';
const OUTSIDER = 'U0STRANGE';
const OUTSIDER_CHANNEL = 'C0OUTSIDE';

let stack: FaultStack;
let payroll: CreatedMonitor;
let incidentId: string;
let alertTs: string;

beforeAll(async () => {
  stack = await FaultStack.start();
  payroll = await stack.createMonitor('payroll', 'every 1 hour');
  expect((await fetch(`${payroll.pingUrl}/fail`)).status).toBe(200);
  alertTs = (await stack.waitForAlert(payroll.id)).ts;
  incidentId = (await stack.monitor(payroll.id)).monitor.incident!.id;
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

function asOutsider(text: string) {
  return stack.command(text, { team: OUTSIDER_TEAM, user: OUTSIDER, channel: OUTSIDER_CHANNEL });
}

async function payrollNow(): Promise<Monitor> {
  return (await stack.monitor(payroll.id)).monitor;
}

async function press(action: string, team: string, user: string, responseId: string) {
  const payload = buttonPressPayload({
    actionId: `drumbeat:${action}`,
    value: `${payroll.id}:${incidentId}`,
    teamId: team,
    userId: user,
    channelId: team === TEAM ? CHANNEL : OUTSIDER_CHANNEL,
    messageTs: alertTs,
    responseUrl: stack.slack.responseUrl(responseId),
  });
  const response = await postSigned(
    `${stack.service.baseUrl}/slack/events`,
    SIGNING_SECRET,
    interactionBody(payload),
  );
  expect(response.status).toBe(200);
}

describe('outsider by command', () => {
  it('does not see the monitor in list', async () => {
    const reply = await asOutsider('list');
    expect(reply.text).toContain('There are no monitors yet');
    expect(reply.text).not.toContain('payroll');
  });

  for (const command of [
    'status payroll',
    'silence payroll for 2 hours',
    'unsilence payroll',
    'pause payroll',
    'resume payroll',
    'delete payroll',
  ]) {
    it(`gets "not found" for ${command.split(' ')[0]}`, async () => {
      const reply = await asOutsider(command);
      expect(reply.status).toBe(200);
      expect(reply.text).toContain('There is no monitor named "payroll" here');
      expect(reply.text).not.toContain(payroll.token);
    });
  }

  it('left the monitor as it was', async () => {
    const monitor = await payrollNow();
    expect(monitor.state).toBe('failed');
    expect(monitor.silencedUntil).toBeNull();
    expect(monitor.pausedAt).toBeNull();
    expect(monitor.incident?.acknowledgedAt).toBeNull();
    expect(await stack.store.idForName(`slack:${TEAM}`, 'payroll')).toBe(payroll.id);
  });

  it('has a namespace of its own for names', async () => {
    const reply = await asOutsider('new payroll every 1 day');
    expect(reply.text).toContain('Created monitor payroll');
    const outsiderId = await stack.store.idForName(`slack:${OUTSIDER_TEAM}`, 'payroll');
    expect(outsiderId).not.toBeNull();
    expect(outsiderId).not.toBe(payroll.id);
    const ownerList = await stack.command('list');
    expect(ownerList.text).toContain('1 monitor.');
  });
});

describe('outsider by forged button payload', () => {
  for (const action of ['acknowledge', 'silence_1h', 'pause']) {
    it(`is refused for ${action}`, { timeout: 10_000 }, async () => {
      const responseId = `forged-${action}`;
      await press(action, OUTSIDER_TEAM, OUTSIDER, responseId);
      const refusal = await waitFor(() => stack.slack.postsTo(responseId)[0], 5000, 'refusal');
      expect(JSON.stringify(refusal.body)).toContain('belongs to another workspace');
      const monitor = await payrollNow();
      expect(monitor.incident?.acknowledgedAt).toBeNull();
      expect(monitor.silencedUntil).toBeNull();
      expect(monitor.state).toBe('failed');
    });
  }

  it('logs each refused press', async () => {
    const refusals = () =>
      stack
        .logsMatching(/button press from another team/)
        .filter((line) => line.monitorId === payroll.id);
    await waitFor(() => (refusals().length >= 3 ? true : undefined), 5000, 'refusal logs');
    expect(refusals()).toHaveLength(3);
  });
});

describe('teammate', () => {
  it('sees the monitor and its state', async () => {
    const reply = await stack.command('status payroll', { user: TEAMMATE });
    expect(reply.text).toContain('payroll');
    expect(reply.text).not.toContain('There is no monitor named');
  });

  it('acknowledges the alert by button', { timeout: 10_000 }, async () => {
    await press('acknowledge', TEAM, TEAMMATE, 'mate-ack');
    const monitor = await waitFor(
      async () => {
        const current = await payrollNow();
        return current.incident?.acknowledgedBy ? current : undefined;
      },
      5000,
      'acknowledgement',
    );
    expect(monitor.incident?.acknowledgedBy).toBe(TEAMMATE);
  });

  it('pauses it by command', async () => {
    const reply = await stack.command('pause payroll', { user: TEAMMATE });
    expect(reply.text).toContain('payroll is paused');
    expect((await payrollNow()).state).toBe('paused');
  });
});
