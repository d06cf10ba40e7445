import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBerkeBody } from './codec.js';
import { BerkeAssessmentResponse, BerkeCompletedPage, BerkeCompletedResponse } from './wire.js';
import { completedScores, scoredChanges, STATUS_BY_ID, statusChanges, toJobFits, toOrderChanges, toResult } from './status.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const parse = (name: string) => BerkeAssessmentResponse.parse(parseBerkeBody(fixture(name)));
const observed = new Date('2026-01-01T00:00:00Z');

describe('Berke status mapping', () => {
  describe.each(['perform-assessment-scored.json', 'perform-assessment-scored.xml'])('documented sample %s', (name) => {
    const r = parse(name);

    it('reads the assessment status with its decimal Unix-seconds timestamps', () => {
      expect(r.assessmentStatus.sourceCandidateId).toBe('[sourceCandidateId]');
      expect(r.assessmentStatus.statusId).toBe(0);
      expect(r.assessmentStatus.jobFitScoresAvailable).toBe(true);
      expect(r.assessmentStatus.createdOnUtc).toBeCloseTo(1545228051.16, 1);
      expect(r.assessmentStatus.onAssessmentCompleteRedirectToUrl).toBe(
        '[https://yourDomainHere.com]?code=[invitationCode]&id=[sha512Hash]',
      );
    });

    it('maps jobFitScoresAvailable to scored with the job fits, primary job first', () => {
      const changes = toOrderChanges(r, observed);
      expect(changes.map((c) => c.status)).toEqual(['in_progress', 'completed', 'scored']);
      const scored = changes.at(-1)!;
      expect(scored.vendorTime.getTime()).toBeGreaterThanOrEqual(changes[1]!.vendorTime.getTime());
      expect(scored.vendorTime.toISOString().slice(0, 19)).toBe('2018-12-19T14:00:51');
      expect(scored.result!.jobFits).toEqual([
        { job: '[jobName_1]', jobId: '[sourceJobId_1]', fitPct: 99, level: 'high', primary: true },
        { job: '[jobName_2]', jobId: '[sourceJobId_2]', fitPct: 65, level: 'medium', primary: false },
        { job: '[jobName_3]', jobId: '[sourceJobId_3]', fitPct: 32, level: 'low', primary: false },
        { job: '[jobName_4]', jobId: '[sourceJobId_4]', primary: false },
        { job: '[jobName_5]', jobId: '[sourceJobId_5]', primary: false },
      ]);
      expect(scored.result).toMatchObject({ score: 99, level: 'high', reportAvailable: true });
      expect(scored.result!.completedAt).toMatch(/^2018-12-19T14:00:51\.\d{3}Z$/);
    });

    it('keeps no report link in the result or the audit copy', () => {
      const text = JSON.stringify(toOrderChanges(r, observed));
      expect(text).not.toContain('/rpt/');
      expect(text).not.toContain('reportUrl');
    });

    it('gives the same dedupe keys every time it reads the same answer', () => {
      const a = toOrderChanges(r, observed).map((c) => c.dedupeKey);
      const b = toOrderChanges(parse(name), new Date()).map((c) => c.dedupeKey);
      expect(b).toEqual(a);
      expect(new Set(a).size).toBe(a.length);
    });
  });

  it('reads the JSON and XML samples into the same unified changes (their timestamps differ in the documented samples)', () => {
    const json = toOrderChanges(parse('perform-assessment-scored.json'), observed);
    const xml = toOrderChanges(parse('perform-assessment-scored.xml'), observed);
    const shape = (cs: typeof json) =>
      cs.map((c) => ({ status: c.status, progress: c.progress, result: c.result && { ...c.result, completedAt: 'x' } }));
    expect(shape(xml)).toEqual(shape(json));
  });

  const base = parse('perform-assessment-scored.json');
  const variant = (over: Partial<BerkeAssessmentResponse['assessmentStatus']>) => ({
    ...base,
    assessmentStatus: { ...base.assessmentStatus, ...over },
  });
  const created = 1_700_000_000.123;
  const started = 1_700_000_100.5;
  const completed = 1_700_000_900.25;

  it.each([
    {
      what: 'statusId 5 is invited',
      over: { statusId: 5, status: 'Not Started', jobFitScoresAvailable: false, percentComplete: 0, startedOnUtc: undefined, completedOnUtc: undefined },
      statuses: ['invited'],
      progress: undefined,
    },
    {
      what: 'statusId 1 is in progress, percentComplete as progress',
      over: { statusId: 1, status: 'In Progress', jobFitScoresAvailable: false, percentComplete: 40, completedOnUtc: undefined },
      statuses: ['in_progress'],
      progress: 40,
    },
    {
      what: 'statusId 1 stays in progress whatever the label and percentComplete say',
      over: { statusId: 1, status: 'Complete', jobFitScoresAvailable: false, percentComplete: 100, completedOnUtc: undefined },
      statuses: ['in_progress'],
      progress: 100,
    },
    {
      what: 'statusId 2 is completed, with the start before it',
      over: { statusId: 2, status: 'Complete', jobFitScoresAvailable: false, percentComplete: 100 },
      statuses: ['in_progress', 'completed'],
      progress: 100,
    },
    {
      what: 'statusId 2 with jobFitScoresAvailable is scored (PerformAssessment answers the scores of a finished assessment)',
      over: { statusId: 2, status: 'Complete', jobFitScoresAvailable: true, percentComplete: 100 },
      statuses: ['in_progress', 'completed', 'scored'],
      progress: 100,
    },
    {
      what: 'statusId 5 stays invited even when the label says Complete and percentComplete is 100',
      over: { statusId: 5, status: 'Complete', jobFitScoresAvailable: false, percentComplete: 100, startedOnUtc: undefined, completedOnUtc: undefined },
      statuses: ['invited'],
      progress: undefined,
    },
    {
      what: 'an unknown statusId without scores says nothing',
      over: { statusId: 7, status: 'Complete', jobFitScoresAvailable: false, percentComplete: 100, completedOnUtc: undefined },
      statuses: [],
      progress: undefined,
    },
  ])('$what', ({ over, statuses, progress }) => {
    const r = variant({ createdOnUtc: created, startedOnUtc: started, completedOnUtc: completed, ...over });
    const changes = toOrderChanges(r, observed);
    expect(changes.map((c) => c.status)).toEqual(statuses);
    const last = changes.at(-1);
    if (last) {
      expect(last.progress).toBe(progress);
      expect(last.vendorStatus).toMatch(/^\d/);
    }
    const times = changes.map((c) => c.vendorTime.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('uses Berke times as vendor times: created for invited, started for progress, completed for completion', () => {
    const invited = toOrderChanges(variant({ statusId: 5, jobFitScoresAvailable: false, createdOnUtc: created }), observed);
    expect(invited[0]!.vendorTime.getTime()).toBe(Math.round(created * 1000));
    const inProgress = toOrderChanges(variant({ statusId: 1, jobFitScoresAvailable: false, startedOnUtc: started }), observed);
    expect(inProgress[0]!.vendorTime.getTime()).toBe(Math.round(started * 1000));
    const done = toOrderChanges(
      variant({ statusId: 2, jobFitScoresAvailable: false, startedOnUtc: started, completedOnUtc: completed }),
      observed,
    );
    expect(done.at(-1)!.vendorTime.getTime()).toBe(Math.round(completed * 1000));
  });

  it('makes a new fact of each progress step and the same fact of a repeated one', () => {
    const at = (pct: number) =>
      toOrderChanges(variant({ statusId: 1, jobFitScoresAvailable: false, startedOnUtc: started, percentComplete: pct }), observed)[0]!
        .dedupeKey;
    expect(at(25)).not.toBe(at(50));
    expect(at(50)).toBe(at(50));
  });

  it('has exactly the three documented statusIds in its table', () => {
    expect(STATUS_BY_ID).toEqual({ 5: 'invited', 1: 'in_progress', 2: 'completed' });
  });

  it.each([
    { fitPct: -1, fitId: 0, pct: undefined, level: undefined },
    { fitPct: 0, fitId: 1, pct: 0, level: 'low' },
    { fitPct: 0.335, fitId: 1, pct: 33.5, level: 'low' },
    { fitPct: 0.5, fitId: 2, pct: 50, level: 'medium' },
    { fitPct: 1, fitId: 3, pct: 100, level: 'high' },
    { fitPct: 87, fitId: 3, pct: 87, level: 'high' },
    { fitPct: -1, fitId: 4, pct: undefined, level: undefined },
    { fitPct: -1, fitId: 5, pct: undefined, level: undefined },
  ])('maps fitPct $fitPct / fitId $fitId to $pct % and level $level', ({ fitPct, fitId, pct, level }) => {
    const [fit] = toJobFits([{ job: 'J', fitPct, fitId, isPrimaryJob: true, jobFitScoresAvailable: true } as never]);
    expect(fit!.fitPct).toBe(pct);
    expect(fit!.level).toBe(level);
  });

  it('puts the primary job first even when Berke lists it later', () => {
    const fits = toJobFits([
      { job: 'A', isPrimaryJob: false, fitPct: 0.1, fitId: 1 },
      { job: 'B', isPrimaryJob: false, fitPct: 0.2, fitId: 1 },
      { job: 'P', isPrimaryJob: true, fitPct: 0.9, fitId: 3 },
    ]);
    expect(fits.map((f) => f.job)).toEqual(['P', 'A', 'B']);
  });

  it('flags an assessment restarted more than three times', () => {
    const result = toResult({ jobFit: base.jobFit, startCount: 4 });
    expect(result.flags).toEqual([expect.objectContaining({ code: 'restarts', value: 4, severity: 'warning' })]);
    expect(toResult({ jobFit: base.jobFit, startCount: 3 }).flags).toEqual([]);
  });

  it('never reads scores from a GetAssessmentStatus answer, even one that says jobFitScoresAvailable with no fits', () => {
    // docs/vendors/berke.md#statuses: a complete status is followed by GetCompletedAssessment for the job fit scores.
    const status = { assessmentStatus: { ...base.assessmentStatus, statusId: 2, jobFitScoresAvailable: true, completedOnUtc: completed }, jobFit: [] };
    expect(statusChanges(status, observed).map((c) => c.status)).toEqual(['in_progress', 'completed']);
    // A PerformAssessment answer with the flag but no fits is not scored with an empty result either.
    expect(toOrderChanges(status, observed).map((c) => c.status)).toEqual(['in_progress', 'completed']);
  });

  describe('GetCompletedAssessment(s) layout (docs/vendors/berke.md#completed-assessments)', () => {
    const one = (name: string) => BerkeCompletedResponse.parse(parseBerkeBody(fixture(name))).assessment;
    it.each(['completed-assessment.xml', 'completed-assessment.json'])('reads %s: the candidate, its completion and its fits', (name) => {
      const a = one(name);
      expect(a.sourceCandidateId).toBe('[sourceEmployeeId_1]');
      expect(a.completedOnUtc).toBeCloseTo(1725743087.2229, 3);
      expect(a.jobFit.map((f) => f.fitId)).toEqual([3, 2, 1, 5]);
      const changes = scoredChanges(completedScores(a), observed);
      expect(changes.map((c) => c.status)).toEqual(['completed', 'scored']);
      expect(changes[1]!.result).toMatchObject({ score: 99, level: 'high' });
    });

    it.each(['completed-assessments.xml', 'completed-assessments.json'])('reads %s: the window, the paging and each assessment with its fits', (name) => {
      const page = BerkeCompletedPage.parse(parseBerkeBody(fixture(name))).assessments;
      expect(page).toMatchObject({ totalAssessments: 2, currentPageAssessments: 2, currentPage: 1, totalPages: 1, maxAssessmentsPerPage: 50 });
      expect(page.dateFromUtc).toBeCloseTo(1737399817.97449, 4);
      expect(page.assessment.map((a) => a.sourceCandidateId)).toEqual(['[sourceEmployeeId_1]', '[sourceEmployeeId_2]']);
      expect(page.assessment.every((a) => a.jobFit.length > 0)).toBe(true);
    });

    it('says "Not Enough Assessment Data" to the recruiter for a job with fitId 5, not an empty score', () => {
      const a = one('completed-assessment.json');
      const changes = scoredChanges(completedScores(a), observed, '[sourceJobId_5]');
      const result = changes.at(-1)!.result!;
      expect(changes.at(-1)!.status).toBe('scored');
      expect(result.score).toBeUndefined();
      expect(result.flags).toContainEqual(
        expect.objectContaining({ code: 'job_fit_unavailable', value: 'Not Enough Assessment Data', severity: 'warning' }),
      );
      expect(result.reportAvailable).toBe(false);
    });

    it('gives no scored before the fits are computed (fitId 0)', () => {
      const a = one('completed-assessment.json');
      const pending = { ...a, jobFit: a.jobFit.map((f) => ({ ...f, fitId: 0, fitPct: -1 })) };
      expect(scoredChanges(completedScores(pending), observed).map((c) => c.status)).toEqual(['completed']);
    });
  });
});
