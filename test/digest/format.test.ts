import { describe, expect, it } from 'vitest';
import { formatShare } from '../../src/digest/format.js';

describe('formatShare', () => {
  it('rounds to the nearest tenth', () => {
    expect(formatShare(1 / 6)).toBe('16.7%');
    expect(formatShare(4 / 44)).toBe('9.1%');
    expect(formatShare(2 / 3)).toBe('66.7%');
    expect(formatShare(0.5)).toBe('50.0%');
    expect(formatShare(0.12345)).toBe('12.3%');
  });

  it('keeps 100% for a perfect record', () => {
    expect(formatShare(1)).toBe('100%');
    expect(formatShare(0.9996)).toBe('99.9%');
    expect(formatShare(0.99949)).toBe('99.9%');
  });

  it('keeps 0.0% for nothing', () => {
    expect(formatShare(0)).toBe('0.0%');
    expect(formatShare(0.0004)).toBe('0.1%');
  });
});
