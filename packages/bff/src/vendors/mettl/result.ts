// Mettl scores → our Result (percentage, sections, credibility). Pure; never copies report URLs into the
// result (they are fetched fresh on demand) and never throws on a malformed field: it is left out.
import type { Result, ResultFlag, SubScore } from '@ca/shared';
import { readSectionalScores } from './notification-read.js';
import { parseGmt } from './time.js';
import type { TestStatus } from './wire.js';

export interface ScoreInput {
  /** docs/vendors/mettl.md#results: for psychometric reports "do not consider any of the scores": no score, marks or sections. */
  psychometric?: boolean;
  marksScored?: number;
  maxMarks?: number;
  /** `sectional_scores`: a JSON string in the 2024 graded notification. */
  sectionalScores?: string | unknown[] | null;
  testStatus?: TestStatus;
  endTimeGmt?: string;
  htmlReport?: string;
  pdfReport?: string;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function resultOf(input: ScoreInput): Result {
  const r = input.testStatus?.result ?? undefined;
  const marks = input.marksScored ?? r?.totalMarks;
  const max = input.maxMarks ?? r?.maxMarks;
  const result: Result = {
    subScores: input.psychometric ? [] : subScoresOf(input),
    flags: flagsOf(input),
    jobFits: [],
    reportAvailable: false,
  };
  const recommendations = (r?.analysis?.recommendation ?? []).filter((x) => x.value);
  if (input.psychometric) {
    // docs/vendors/mettl.md#results: the recommendation(s) and response style are what a psychometric report offers.
    const first = recommendations[0];
    if (first?.value) result.band = first.value;
  } else if (marks !== undefined && max !== undefined && max > 0) {
    // Negative marking can take marks below zero; our score is 0–100.
    result.score = Math.min(100, Math.max(0, round2((marks / max) * 100)));
    result.maxScore = 100;
  }
  if (!input.psychometric && r?.performanceCategory) result.band = r.performanceCategory;
  const end = parseGmt(input.endTimeGmt ?? input.testStatus?.end_time_GMT);
  if (end) result.completedAt = end.toISOString();
  result.reportAvailable = Boolean(
    input.htmlReport || input.pdfReport || input.testStatus?.htmlReport || input.testStatus?.pdfReport,
  );
  return result;
}

function subScoresOf(input: ScoreInput): SubScore[] {
  let raw: unknown = input.sectionalScores;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      raw = undefined;
    }
  }
  // z.array(SectionalScore).safeParse(raw), written out (notification-read.test.ts holds them to the same answers).
  const sectional = readSectionalScores(raw);
  if (sectional !== null && sectional.length > 0) {
    return sectional.flatMap((s, i) =>
      s.sectionScore === undefined
        ? []
        : [{ label: s.sectionName ?? `Section ${i + 1}`, value: s.sectionScore, ...(s.sectionMaxScore !== undefined ? { max: s.sectionMaxScore } : {}) }],
    );
  }
  return (input.testStatus?.result?.sectionMarks ?? []).flatMap((s, i) =>
    s.totalMarks === undefined
      ? []
      : [{ label: s.sectionName ?? `Section ${i + 1}`, value: s.totalMarks, ...(s.maxMarks !== undefined ? { max: s.maxMarks } : {}) }],
  );
}

function flagsOf(input: ScoreInput): ResultFlag[] {
  const flags: ResultFlag[] = [];
  const credibility = input.testStatus?.result?.candidateCredibilityIndex;
  if (credibility) {
    // docs/vendors/mettl.md#results: "Low credibility means candidate is more likely to have cheated … review the test log/red flags".
    flags.push({
      code: 'credibility',
      label: 'Credibility',
      value: credibility,
      severity: credibility.toLowerCase() === 'low' ? 'warning' : 'info',
    });
  }
  const analysis = input.testStatus?.result?.analysis;
  for (const rec of analysis?.recommendation ?? []) {
    if (rec.value) flags.push({ code: 'recommendation', label: rec.type || 'Recommendation', value: rec.value, severity: 'info' });
  }
  for (const style of analysis?.responseStyles ?? []) {
    const value = typeof style === 'string' ? style : (style.value ?? style.name);
    const label = typeof style === 'string' ? 'Response style' : (style.type ?? 'Response style');
    if (value) flags.push({ code: 'response_style', label, value, severity: 'info' });
  }
  const mode = input.testStatus?.completionMode;
  if (mode && mode.toLowerCase() !== 'completed') {
    // docs/vendors/mettl.md#results: completionMode tells whether the test was stopped or disconnected, i.e. may be incomplete.
    flags.push({ code: 'completion_mode', label: 'Completion', value: mode, severity: 'warning' });
  }
  return flags;
}
