// The Mettl status tables, table-driven: notifications and on-demand results → OrderStatus.
import { describe, expect, it } from 'vitest';
import { FACT_STATUS, factOfEvent, factOfResult } from './status.js';

describe('Mettl status table', () => {
  it.each([
    ['startAssessment', undefined, undefined, 'in_progress'],
    ['finishTest', 'NormalSubmission', undefined, 'completed'],
    ['finishTest', 'TestExpired', undefined, 'expired'],
    ['gradedAssessment', 'NormalSubmission', 'Completed', 'scored'],
    ['gradedAssessment', 'TestExpired', undefined, 'expired'],
    ['gradedAssessment', undefined, 'Expired', 'expired'],
    ['resumeEnabledForExpiredTest', undefined, undefined, 'in_progress'],
    ['testResumeEnabled', undefined, undefined, 'in_progress'],
  ] as const)('maps notification %s (finish_mode %s, completionMode %s) to %s', (event, mode, completion, status) => {
    const fact = factOfEvent(event, mode, completion);
    expect(fact).not.toBeNull();
    expect(FACT_STATUS[fact!]).toBe(status);
  });

  it('knows no status for an unknown notification type', () => {
    expect(factOfEvent('somethingNew', undefined)).toBeNull();
    expect(factOfEvent(undefined, undefined)).toBeNull();
  });

  it.each([
    [{ status: 'ToBeTaken', hasResult: false }, 'invited'],
    [{ status: 'Yet to Start', hasResult: false }, 'invited'],
    [{ status: 'InProgress', hasResult: false }, 'in_progress'],
    [{ status: 'Completed', completionMode: 'Completed', hasResult: false }, 'completed'],
    [{ status: 'Completed', completionMode: 'Completed', hasResult: true }, 'scored'],
    [{ status: 'Completed', completionMode: 'Expired', hasResult: true }, 'expired'],
    [{ status: 'Expired', hasResult: false }, 'expired'],
  ] as const)('maps the on-demand result %o to %s', (ts, status) => {
    const fact = factOfResult(ts);
    expect(fact).not.toBeNull();
    expect(FACT_STATUS[fact!]).toBe(status);
  });

  it('knows no status for an unknown on-demand status', () => {
    expect(factOfResult({ status: 'Archived', hasResult: false })).toBeNull();
  });
});
