// The Berke sandbox's state: candidates (one assessment each), their steps, jobs and job fits, and the calls and
// burst window it counts. No HTTP here: handlers.ts reads and changes it, wire.ts writes it out.
import { createHash, randomBytes } from 'node:crypto';

export interface SandboxJob {
  sourceJobId: string;
  name: string;
  /** false: "Match Disabled In Job" (fitId 4). */
  matchEnabled?: boolean;
}

export interface Fit {
  sourceJobId: string;
  fitPct: number;
  fitId: number;
  fit: string;
  reportId: string;
}

export interface Candidate {
  sourceCandidateId: string;
  firstName: string;
  lastName: string;
  emailAddress: string;
  sourceJobId: string;
  redirectUrl: string | null;
  invitationCode: string;
  statusId: 5 | 1 | 2;
  percent: number;
  createdOn: number;
  startedOn: number | null;
  completedOn: number | null;
  scoredOn: number | null;
  startCount: number;
  invitationsSent: number;
  fits: Fit[];
  /** Jobs the candidate answered too little for: fitId 5 "Not Enough Assessment Data" (docs/vendors/berke.md#statuses). */
  insufficientFor: Set<string>;
}

export interface SandboxCounters {
  /** API calls received per method, throttled ones included. */
  calls: Record<string, number>;
  /** 429 answers sent. */
  throttled: number;
  /** Arrival times (ms) of the calls that were let through, for measuring windows. */
  accepted: number[];
  invitationsSent: number;
}

export const DEFAULT_JOBS: SandboxJob[] = [
  { sourceJobId: 'customer-support', name: 'Customer Support Agent' },
  { sourceJobId: 'sales-rep', name: 'Sales Representative' },
  { sourceJobId: 'warehouse', name: 'Warehouse Associate', matchEnabled: false },
];

export const code = (n: number) => randomBytes(n).toString('hex').toUpperCase();
/** Unix seconds with decimals, as Berke writes them (docs/vendors/berke.md#response). */
export const seconds = (ms: number | null) => (ms === null ? null : Number((ms / 1000).toFixed(3)));

export interface StateOptions {
  jobs: SandboxJob[];
  /** Scores arrive this long after completion on their own; null = only when told (`score`). */
  autoScoreMs: number | null;
}

export type BerkeState = ReturnType<typeof createState>;

export function createState(opts: StateOptions) {
  const { jobs } = opts;
  const candidates = new Map<string, Candidate>();
  const byInvitation = new Map<string, Candidate>();
  const reports = new Map<string, { candidate: Candidate; fit: Fit }>();
  const counters: SandboxCounters = { calls: {}, throttled: 0, accepted: [], invitationsSent: 0 };

  const jobOf = (id: string | undefined) => jobs.find((j) => j.sourceJobId.toLowerCase() === id?.toLowerCase());

  function settle(c: Candidate) {
    const auto = opts.autoScoreMs;
    if (c.statusId === 2 && c.scoredOn === null && auto !== null && Date.now() >= c.completedOn! + auto) score(c);
  }
  function start(c: Candidate) {
    if (c.statusId === 2) return;
    if (c.statusId === 5) {
      c.statusId = 1;
      c.startedOn = Date.now();
    }
    c.startCount += 1;
  }
  function progress(c: Candidate, percent?: number) {
    if (c.statusId === 5) start(c);
    if (c.statusId !== 1) return;
    c.percent = Math.min(99, Math.max(c.percent, percent ?? c.percent + 25));
  }
  function complete(c: Candidate) {
    if (c.statusId === 2) return;
    if (c.statusId === 5) start(c);
    c.statusId = 2;
    c.percent = 100;
    c.completedOn = Date.now();
  }
  /** Every active job is scored (docs/vendors/berke.md#response); fitId 4 for a disabled match, 5 for too little data. */
  function score(c: Candidate, primaryFitPct?: number) {
    if (c.statusId !== 2) complete(c);
    if (c.scoredOn !== null) return;
    c.scoredOn = Date.now();
    c.fits = jobs.map((j) => {
      const reportId = code(13);
      if (j.matchEnabled === false) return { sourceJobId: j.sourceJobId, fitPct: -1, fitId: 4, fit: 'Match Disabled In Job', reportId };
      if (c.insufficientFor.has(j.sourceJobId.toLowerCase())) {
        return { sourceJobId: j.sourceJobId, fitPct: -1, fitId: 5, fit: 'Not Enough Assessment Data', reportId };
      }
      const primary = j.sourceJobId === c.sourceJobId;
      const derived = parseInt(createHash('sha256').update(`${c.sourceCandidateId}:${j.sourceJobId}`).digest('hex').slice(0, 4), 16) % 101;
      const pct = primary && primaryFitPct !== undefined ? primaryFitPct : derived / 100;
      const fitId = pct >= 0.67 ? 3 : pct >= 0.34 ? 2 : 1;
      return { sourceJobId: j.sourceJobId, fitPct: pct, fitId, fit: ['', 'Low', 'Medium', 'High'][fitId]!, reportId };
    });
    for (const fit of c.fits) if (fit.fitId !== 4 && fit.fitId !== 5) reports.set(fit.reportId, { candidate: c, fit });
  }

  function add(c: Omit<Candidate, 'invitationCode' | 'statusId' | 'percent' | 'createdOn' | 'startedOn' | 'completedOn' | 'scoredOn' | 'startCount' | 'invitationsSent' | 'fits' | 'insufficientFor'>): Candidate {
    const cand: Candidate = {
      ...c,
      invitationCode: code(13),
      statusId: 5,
      percent: 0,
      createdOn: Date.now(),
      startedOn: null,
      completedOn: null,
      scoredOn: null,
      startCount: 0,
      invitationsSent: 0,
      fits: [],
      insufficientFor: new Set(),
    };
    candidates.set(c.sourceCandidateId.toLowerCase(), cand);
    byInvitation.set(cand.invitationCode, cand);
    return cand;
  }
  function remove(c: Candidate) {
    candidates.delete(c.sourceCandidateId.toLowerCase());
    byInvitation.delete(c.invitationCode);
  }

  return {
    jobs,
    candidates,
    byInvitation,
    reports,
    counters,
    jobOf,
    settle,
    start,
    progress,
    complete,
    score,
    add,
    remove,
    get: (id: string) => candidates.get(id.toLowerCase()),
  };
}
