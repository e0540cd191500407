import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { InFlightResponses } from '../../src/ingest/in-flight.js';

/** Returns a stand-in response. The list only listens for its 'close' event. */
function response(name: string): ServerResponse & { name: string } {
  return Object.assign(new EventEmitter(), { name }) as unknown as ServerResponse & {
    name: string;
  };
}

function names(list: InFlightResponses): string[] {
  const seen: string[] = [];
  list.forEach((res) => {
    seen.push((res as ServerResponse & { name: string }).name);
  });
  return seen;
}

describe('responses in progress', () => {
  it('lists responses newest first until closed', () => {
    const list = new InFlightResponses();
    const [a, b, c] = [response('a'), response('b'), response('c')];
    list.add(a);
    list.add(b);
    list.add(c);
    expect(list.size).toBe(3);
    expect(names(list)).toEqual(['c', 'b', 'a']);

    b.emit('close');
    expect(list.size).toBe(2);
    expect(names(list)).toEqual(['c', 'a']);

    c.emit('close');
    expect(names(list)).toEqual(['a']);
    a.emit('close');
    expect(list.size).toBe(0);
    expect(names(list)).toEqual([]);
  });

  it('counts a double close once', () => {
    const list = new InFlightResponses();
    const [a, b] = [response('a'), response('b')];
    list.add(a);
    list.add(b);
    a.emit('close');
    a.emit('close');
    expect(list.size).toBe(1);
    expect(names(list)).toEqual(['b']);
  });

  it('takes responses after emptying', () => {
    const list = new InFlightResponses();
    const first = response('first');
    list.add(first);
    first.emit('close');
    const next = response('next');
    list.add(next);
    expect(names(list)).toEqual(['next']);
    expect(list.some((res) => res === next)).toBe(true);
    expect(list.some((res) => res === first)).toBe(false);
  });
});
