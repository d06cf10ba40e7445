// The Mettl sandbox's state: assessments, schedules, candidates, one-time links, page sessions, notifications sent,
// counters. No HTTP here: handlers.ts serves the REST API over it, steps.ts moves candidates on and notifies.
import { randomBytes } from 'node:crypto';
import type { ContractShape, OutageMode } from '../types.js';

export interface SandboxAssessment {
  id: string;
  name: string;
  /** Graded results carry a recommendation and response style (docs/vendors/mettl.md#results), on demand only with `ir`/`rs`. */
  psychometric?: boolean;
}

export interface Delivery {
  index: number;
  event: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  dropped: boolean;
  status?: number;
  error?: string;
}

export interface Counters {
  requests: number;
  calls: Record<string, number>;
  signatureFailures: number;
  keyFailures: number;
  timestampFailures: number;
  linksIssued: number;
  linksUsed: number;
  webhooksSent: number;
  webhooksDropped: number;
  webhooksFailed: number;
}

export interface SbSchedule {
  id: number;
  accessKey: string;
  assessmentId: string;
  name: string;
  sc: Record<string, unknown>;
}

export interface Graded {
  marks: number;
  max: number;
  percentile: number;
  credibility: string;
  sections: { name: string; marks: number; max: number }[];
}

export interface SbCandidate {
  accessKey: string;
  email: string;
  firstName: string;
  lastName: string;
  contextData: string | null;
  instanceId: number;
  status: 'ToBeTaken' | 'InProgress' | 'Completed';
  completionMode: 'Completed' | 'Expired' | null;
  finishMode: 'NormalSubmission' | 'TestExpired' | null;
  startedAt: Date | null;
  endedAt: Date | null;
  graded: Graded | null;
  reportKey: string;
  currentLink: string | null;
  linksIssued: number;
  lastTick: number;
}

export interface StateOptions {
  keys: { publicKey: string; privateKey: string };
  /** Grade percentage when a grade step names none. */
  gradePercentage?: number | undefined;
  assessments: SandboxAssessment[];
  registrationLimit?: number | undefined;
  /** Most candidates one page of schedule results holds, whatever `limit` asks (docs/vendors/mettl.md#results-of-all-candidates). */
  resultsPageCap: number;
  contractShape: ContractShape;
}

export type MettlState = ReturnType<typeof createState>;

export function createState(opts: StateOptions) {
  const counters: Counters = {
    requests: 0,
    calls: {},
    signatureFailures: 0,
    keyFailures: 0,
    timestampFailures: 0,
    linksIssued: 0,
    linksUsed: 0,
    webhooksSent: 0,
    webhooksDropped: 0,
    webhooksFailed: 0,
  };
  const st = {
    opts,
    keys: opts.keys,
    assessments: opts.assessments,
    schedules: new Map<string, SbSchedule>(),
    candidates: new Map<string, SbCandidate>(),
    /** One-time candidate link token → candidate key; removed when used or superseded. */
    links: new Map<string, string>(),
    /** Candidate page session → candidate key (the one-time link opens a session). */
    sessions: new Map<string, string>(),
    deliveries: [] as Delivery[],
    timers: new Set<NodeJS.Timeout>(),
    counters,
    url: '',
    outage: 'none' as OutageMode,
    registered: 0,
    /** Per-candidate registration refusals still to give. */
    failingRegistrations: null as { code: string; message: string; times: number } | null,
    /** Whole calls still to refuse with `{"status":"ERROR"}` and HTTP 200. */
    failingCalls: null as { code: string; message: string; times: number } | null,
    nextInstance: 1452533,
    nextScheduleId: 700,
  };
  return Object.assign(st, {
    /**
     * Notification instants are whole seconds (Mettl's format); each event of a candidate gets a later one
     * than the last, so their order survives, and other candidates' events do not push the clock ahead.
     */
    tick(cand: SbCandidate): Date {
      const now = Math.floor(Date.now() / 1000) * 1000;
      cand.lastTick = Math.max(now, cand.lastTick + 1000);
      return new Date(cand.lastTick);
    },
    count(op: string) {
      counters.calls[op] = (counters.calls[op] ?? 0) + 1;
    },
    issueLink(cand: SbCandidate): string {
      // docs/vendors/mettl.md#registration: "a candidate specific encrypted URL is generated which can be used by the candidate only once".
      if (cand.currentLink) st.links.delete(cand.currentLink);
      const token = randomBytes(18).toString('base64url');
      st.links.set(token, ckey(cand.accessKey, cand.email));
      cand.currentLink = token;
      cand.linksIssued += 1;
      counters.linksIssued += 1;
      return `${st.url}/test/${token}`;
    },
    newCandidate(accessKey: string, email: string, firstName: string, lastName: string): SbCandidate {
      st.registered += 1;
      const cand: SbCandidate = {
        accessKey,
        email,
        firstName,
        lastName,
        contextData: null,
        instanceId: st.nextInstance++,
        status: 'ToBeTaken',
        completionMode: null,
        finishMode: null,
        startedAt: null,
        endedAt: null,
        graded: null,
        reportKey: randomBytes(12).toString('base64url'),
        currentLink: null,
        linksIssued: 0,
        lastTick: 0,
      };
      st.candidates.set(ckey(accessKey, email), cand);
      return cand;
    },
  });
}

export const ckey = (accessKey: string, email: string) => `${accessKey}|${email.toLowerCase()}`;
