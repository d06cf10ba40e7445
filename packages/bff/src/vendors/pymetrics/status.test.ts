import { describe, expect, it } from 'vitest';
import { hasResults, mapStatus, PYMETRICS_STATUS } from './status.js';

describe('pymetrics status table', () => {
  it.each([
    ['PENDING', 'requested'],
    ['ACCEPTED', 'invited'],
    ['NOT_STARTED', 'invited'],
    ['IN_PROGRESS', 'in_progress'],
    ['COMPLETED', 'completed'],
    ['FULFILLED', 'scored'],
    [' accepted ', 'invited'],
  ] as const)('maps %s to %s', (vendor, ours) => {
    expect(mapStatus(vendor)).toBe(ours);
  });

  it('returns null for a status pymetrics has not documented', () => {
    expect(mapStatus('ARCHIVED')).toBeNull();
    expect(mapStatus('')).toBeNull();
  });

  it('covers exactly the six documented statuses', () => {
    expect(Object.keys(PYMETRICS_STATUS).sort()).toEqual(
      ['ACCEPTED', 'COMPLETED', 'FULFILLED', 'IN_PROGRESS', 'NOT_STARTED', 'PENDING'],
    );
  });

  it.each([
    ['COMPLETED', true],
    ['FULFILLED', true],
    ['IN_PROGRESS', false],
    ['PENDING', false],
  ] as const)('fetches results at %s: %s', (s, yes) => {
    expect(hasResults(s)).toBe(yes);
  });
});
