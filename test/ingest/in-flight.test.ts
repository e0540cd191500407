import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/ingest/in-flight.js';

function values(list: InFlight<string>): string[] {
  const seen: string[] = [];
  list.forEach((value) => {
    seen.push(value);
  });
  return seen;
}

describe('values in progress', () => {
  it('lists values newest first until taken out', () => {
    const list = new InFlight<string>();
    const leaveA = list.add('a');
    const leaveB = list.add('b');
    const leaveC = list.add('c');
    expect(list.size).toBe(3);
    expect(values(list)).toEqual(['c', 'b', 'a']);

    leaveB();
    expect(list.size).toBe(2);
    expect(values(list)).toEqual(['c', 'a']);

    leaveC();
    expect(values(list)).toEqual(['a']);
    leaveA();
    expect(list.size).toBe(0);
    expect(values(list)).toEqual([]);
  });

  it('counts a value taken out twice once', () => {
    const list = new InFlight<string>();
    const leaveA = list.add('a');
    list.add('b');
    leaveA();
    leaveA();
    expect(list.size).toBe(1);
    expect(values(list)).toEqual(['b']);
  });

  it('ignores take-outs after a clear', () => {
    const list = new InFlight<string>();
    const leaveA = list.add('a');
    const leaveB = list.add('b');
    list.clear();
    expect(list.size).toBe(0);

    list.add('c');
    leaveA();
    leaveB();
    expect(list.size).toBe(1);
    expect(values(list)).toEqual(['c']);
  });

  it('takes values after emptying', () => {
    const list = new InFlight<string>();
    list.add('first')();
    list.add('next');
    expect(values(list)).toEqual(['next']);
    expect(list.some((value) => value === 'next')).toBe(true);
    expect(list.some((value) => value === 'first')).toBe(false);
  });
});
