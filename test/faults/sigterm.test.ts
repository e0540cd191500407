// SIGTERM while a ping is still uploading and an alert is still being posted: the service
// takes no new connections, finishes both, closes Redis and BullMQ, and exits 0.

import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryStore } from '../../src/store/deliveries.js';
import { waitFor } from '../support/redis.js';
import { FaultStack, sleep } from './harness.js';

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

/** Sends the head and the first half of a POST ping, and returns the socket and its response. */
async function startUpload(url: string, body: string) {
  const { port, pathname } = new URL(url);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let response = '';
  socket.on('data', (chunk: Buffer) => {
    response += chunk.toString('utf8');
  });
  const ended = new Promise<string>((resolve) => socket.once('close', () => resolve(response)));
  const head =
    `POST ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  socket.write(head + body.slice(0, body.length / 2));
  return { socket, response: ended, rest: body.slice(body.length / 2) };
}

describe('SIGTERM', () => {
  it('finishes the work in flight and exits 0', { timeout: 40_000 }, async () => {
    const uploaded = await stack.createMonitor('term-upload', 'every 1 hour');
    const alerted = await stack.createMonitor('term-alert', 'every 1 hour');

    // An alert whose chat.postMessage takes 1.5 s to answer.
    stack.slack.failNext('chat.postMessage', { kind: 'delay', delayMs: 1500 });
    expect((await fetch(`${alerted.pingUrl}/fail`)).status).toBe(200);
    await waitFor(() => stack.alertsOf(alerted.id)[0], 8000, 'the post in flight');

    // A ping whose body is half sent.
    const body = 'backup finished: 42 files, 0 errors';
    const upload = await startUpload(uploaded.pingUrl, body);
    await sleep(100);

    const exitCode = stack.service.stop('SIGTERM');
    await stack.service.waitForLog((line) => line.msg === 'http server closing', 5000);

    // No new connection is taken while the old work finishes.
    await expect(fetch(`${stack.service.baseUrl}/healthz`)).rejects.toThrow();

    upload.socket.write(upload.rest);
    const response = await upload.response;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response).toMatch(/\r\n\r\nOK$/);

    expect(await exitCode).toBe(0);
    const messages = stack.service.logs.map((line) => line.msg);
    expect(messages).toContain('http server closed');
    expect(messages).toContain('drumbeat stopped');
    expect(stack.logsMatching(/error while stopping|stop failed/)).toHaveLength(0);

    // The ping and the delivery record were stored before the exit.
    const pings = await stack.store.pings(uploaded.id, 5);
    expect(pings).toHaveLength(1);
    expect(pings[0]?.body).toBe(body);
    const incidentId = (await stack.monitor(alerted.id)).monitor.incident?.id;
    const deliveries = new DeliveryStore(stack.client, stack.keys);
    const ref = await deliveries.get(alerted.id, incidentId!);
    expect(ref?.messageId).toBe(stack.alertsOf(alerted.id)[0]?.ts);

    // Every connection of the service to Redis is closed.
    const clients = (await stack.client.client('LIST')) as string;
    expect(clients.trim().split('\n')).toHaveLength(1);
  });
});
