// The on-demand result of one candidate (`testStatus`) as Get Result(s) of Candidate(s) in Schedule and the graded
// notification write it (docs/vendors/mettl.md#results). Pure: reads the state, changes nothing.
import type { MettlState, SbCandidate } from './state.js';
import { ist, parseJsonParam, utc } from './wire.js';

type Params = Record<string, string>;

/** docs/vendors/mettl.md#results: a psychometric report's recommendation and response style; on demand only when `ir` / `rs` ask. */
export function testStatusOf(
  st: MettlState,
  cand: SbCandidate,
  ask: { recommendation: boolean; responseStyle: boolean } = { recommendation: true, responseStyle: true },
) {
  const url = st.url;
  const assessment = st.assessments.find((a) => a.id === st.schedules.get(cand.accessKey)?.assessmentId);
  const psycho = assessment?.psychometric === true;
  const g = cand.graded;
  return {
    start_time_GMT: cand.startedAt ? utc(cand.startedAt) : null,
    end_time_GMT: cand.endedAt ? utc(cand.endedAt) : null,
    status: cand.status,
    overallStatus: cand.status === 'ToBeTaken' ? 'Yet to Start' : cand.status === 'InProgress' ? 'In Progress' : 'Completed',
    detailedStatus: cand.status === 'ToBeTaken' ? 'Registered' : cand.status === 'InProgress' ? 'Test-taker In Progress' : 'Test-taker Completed',
    startTime: cand.startedAt ? ist(cand.startedAt) : null,
    endTime: cand.endedAt ? ist(cand.endedAt) : null,
    completionMode: cand.completionMode,
    compensatoryTime: 'false',
    result: g
      ? {
          totalMarks: g.marks,
          maxMarks: g.max,
          percentile: g.percentile,
          attemptTime: cand.startedAt && cand.endedAt ? (cand.endedAt.getTime() - cand.startedAt.getTime()) / 1000 : 0,
          candidateCredibilityIndex: g.credibility,
          codePlagiarism: 'NA',
          totalQuestion: g.max,
          totalCorrectAnswers: g.marks,
          totalUnAnswered: 0,
          sectionMarks: g.sections.map((s) => ({
            sectionName: s.name,
            totalMarks: s.marks,
            maxMarks: s.max,
            timeTaken: 0,
            totalQuestion: s.max,
            totalCorrectAnswers: s.marks,
            totalUnAnswered: 0,
            skillMarks: [],
            difficultyMarks: [],
            questionWiseResponse: null,
          })),
          performanceCategory: g.marks / g.max >= 0.6 ? 'Good' : 'Poor',
          performanceCategoryVersion: 1,
          difficultyMarks: [],
          analysis: {
            responseStyles: psycho && ask.responseStyle ? [{ type: 'Response Style', value: g.marks / g.max >= 0.5 ? 'Consistent' : 'Inconsistent' }] : [],
            recommendation:
              psycho && ask.recommendation
                ? [{ type: 'Overall Recommendation', value: g.marks / g.max >= 0.6 ? 'Recommended' : 'Not Recommended' }]
                : !psycho
                  ? [{ type: 'Performance Category', value: g.marks / g.max >= 0.6 ? 'Good' : 'Poor' }]
                  : [],
          },
        }
      : null,
    pdfReport: g ? `${url}/report/${cand.reportKey}?format=pdf` : null,
    htmlReport: g ? `${url}/report/${cand.reportKey}` : null,
    assessmentName: assessment?.name,
  };
}


/** `ir={"recommendation":true}` and `rs=true` (docs/vendors/mettl.md#results). */
export const asked = (p: Params) => ({
  recommendation: (parseJsonParam(p.ir) as { recommendation?: unknown } | undefined)?.recommendation === true,
  responseStyle: p.rs === 'true',
});

