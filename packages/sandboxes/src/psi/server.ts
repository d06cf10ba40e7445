// PSI sandbox: PSI pushes to us, so the sandbox is a sender (OAuth2 token + PUT of NotificationRequests, docs/vendors/psi.md#authentication)
// plus a candidate-facing scheduling page and a /_sandbox control API. Test and demo only; never put a secret in a URL or a page.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { listenSandbox } from '../http.js';
import type { AdvanceContext, ContractShape, OutageMode, VendorSandbox } from '../types.js';
import { createPsiApp, SandboxError } from './handlers.js';
import { createPsiSender, type PsiDelivery, type PsiSenderOptions } from './sender.js';
import { CANDIDATE_ACTIONS, PSI_SLOTS, SimulatedPsiCandidate, type CandidateAction } from './state.js';
import type { PsiNotification } from './wire.js';

export * from './sender.js';
export * from './state.js';
export * from './wire.js';

/** Simulator knobs: who the candidate is at the ATS, the exam, and the slot to book (default: the next in turn). */
export interface PsiAdvanceOptions extends AdvanceContext {
  /**
   * Sends the notification the way real PSI deliveries may differ from the happy path (docs/vendors/psi.md#notifications: the guide marks these fields
   * optional or leaves their values open): `unknown-reason` a change_reason outside the documented list,
   * `no-booking-on` without booking_on, `empty-candidate-id` with candidate_id "", `non-iana-timezone` a Windows
   * zone name in location_timezone, `foreign-eligibility` a client_eligibility_id made in PSI by another system
   * (not the one we were given; candidate_id and exam_code still name the candidate and exam).
   */
  quirk?: PsiQuirk;
  examCode?: string;
  slotId?: string;
}

export interface PsiSandboxOptions {
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Where to send notifications; may also be given later with `connect()` (the BFF's config needs our URL first). */
  sender?: PsiSenderOptions;
  now?: () => Date;
  /**
   * `altered`: notifications name the change reason `changeReason` instead of the documented `change_reason`, as a
   * vendor renaming a field would; the BFF then counts drift. Default `documented`.
   */
  contractShape?: ContractShape;
}

export interface PsiSandbox extends VendorSandbox {
  url: string;
  /** The `vendors.psi.schedulingUrl` template pointing at this sandbox. */
  schedulingUrl: string;
  connect(sender: PsiSenderOptions): void;
  /**
   * Performs an action for a candidate (created on first use) and delivers the notification. `ref` is the
   * eligibility id (the BFF's vendorRef); `candidateId` and the exam code (`examCode`, or the package's) go into
   * the notification; without `slotId`, bookings take the Berlin, New York and Paris slots in turn.
   */
  advance(ref: string, action: CandidateAction, o?: PsiAdvanceOptions): Promise<PsiDelivery>;
  candidates(): SimulatedPsiCandidate[];
  /** Notifications delivered, in order (held ones once sent). */
  deliveries: PsiDelivery[];
  /**
   * PSI's side of an outage (it calls no API of ours we could break): the scheduling page answers per `mode`
   * (`error`: HTTP 500), and notifications of actions taken meanwhile wait in PSI's queue; `outage('none')` sends
   * them in order before it resolves. The /_sandbox control API stays up.
   */
  outage(mode: OutageMode): Promise<void>;
  /** Calls made to the BFF: `POST /oauth/token`, `PUT /notifications`. */
  calls(): Record<string, number>;
  resetCalls(): void;
  stop(): Promise<void>;
}

export const PSI_QUIRKS = ['unknown-reason', 'no-booking-on', 'empty-candidate-id', 'non-iana-timezone', 'foreign-eligibility'] as const;
export type PsiQuirk = (typeof PSI_QUIRKS)[number];

/** The notification as sent with a quirk: what the receiver must still accept when it matches an order. */
export function withQuirk(n: PsiNotification, quirk: PsiQuirk | undefined): PsiNotification {
  switch (quirk) {
    case 'unknown-reason':
      return { ...n, change_reason: 'BOOKING_TRANSFERRED' };
    case 'no-booking-on': {
      const { booking_on: _omitted, ...rest } = n;
      return rest as PsiNotification;
    }
    case 'empty-candidate-id':
      return { ...n, candidate_id: '' };
    case 'non-iana-timezone':
      return { ...n, location_timezone: 'W. Europe Standard Time' };
    case 'foreign-eligibility':
      // An eligibility created in PSI by another system: PSI's own id, never one we issued.
      return { ...n, client_eligibility_id: `ATLAS-ELIG-${n.candidate_id.replace(/[^A-Za-z0-9]/g, '').slice(0, 24) || 'X'}` };
    default:
      return n;
  }
}

/** The slots the simulator books in turn. */
const SIMULATOR_SLOTS = ['berlin-site', 'nyc-site', 'paris-remote'];


/**
 * Starts the PSI sandbox: the scheduling page candidates land on, which pushes notifications to the BFF.
 * @example
 * const sandbox = await startPsiSandbox();             // schedulingUrl goes into the BFF config
 * sandbox.connect({ bffUrl, tenantId: 'acme', clientId: 'psi', clientSecret });
 */
export async function startPsiSandbox(opts: PsiSandboxOptions = {}): Promise<PsiSandbox> {
  let sender = opts.sender ? createPsiSender(opts.sender) : undefined;
  const now = opts.now ?? (() => new Date());
  const byEligibility = new Map<string, SimulatedPsiCandidate>();
  const deliveries: PsiDelivery[] = [];
  let outage: OutageMode = 'none';
  /** Notifications of actions taken during an outage, in order. */
  const held: PsiNotification[] = [];
  let booked = 0;
  /** The notification in the shape the sandbox was started with. */
  const altered = (n: PsiNotification): PsiNotification => {
    if (opts.contractShape !== 'altered') return n;
    const { change_reason, ...rest } = n;
    return { ...rest, changeReason: change_reason } as unknown as PsiNotification;
  };

  function candidateFor(eligibilityId: string, o: { candidateId?: string; examCode?: string }): SimulatedPsiCandidate {
    let c = byEligibility.get(eligibilityId);
    if (!c) {
      c = new SimulatedPsiCandidate({
        eligibilityId,
        candidateId: o.candidateId ?? eligibilityId,
        ...(o.examCode ? { examCode: o.examCode } : {}),
        now,
      });
      byEligibility.set(eligibilityId, c);
    }
    return c;
  }

  async function act(
    eligibilityId: string,
    action: CandidateAction,
    o: { candidateId?: string; examCode?: string; slotId?: string; quirk?: PsiQuirk } = {},
  ): Promise<PsiDelivery> {
    if (!sender) throw new SandboxError(503, 'The PSI sandbox is not connected to a BFF yet.');
    const slot = o.slotId === undefined ? undefined : PSI_SLOTS.find((s) => s.id === o.slotId);
    if (o.slotId !== undefined && !slot) throw new SandboxError(400, 'Unknown slot.');
    const c = candidateFor(eligibilityId, o);
    let notification: PsiNotification;
    try {
      notification = altered(withQuirk(c.act(action, slot), o.quirk));
    } catch (err) {
      throw new SandboxError(409, (err as Error).message);
    }
    if (outage !== 'none') {
      held.push(notification);
      return { notification, status: 0, body: 'held: PSI is unavailable; sent when it recovers' };
    }
    const delivery = await sender.send(notification);
    deliveries.push(delivery);
    return delivery;
  }

  async function flush(): Promise<void> {
    while (held.length > 0 && sender) deliveries.push(await sender.send(held.shift()!));
  }

  const app = createPsiApp({
    act,
    candidates: byEligibility,
    counters: () => (sender ? sender.counters : { tokenRequests: 0, deliveries: 0, byStatus: {} }),
    outage: () => outage,
  });

  const listening = await listenSandbox(app, opts.host, opts.port);
  const { url } = listening;
  return {
    url,
    schedulingUrl: `${url}/schedule?eligibility={eligibilityId}&candidate={candidateId}&exam={examCode}`,
    connect(o) {
      sender = createPsiSender(o);
    },
    async advance(ref, action, o = {}) {
      if (!CANDIDATE_ACTIONS.includes(action)) throw new SandboxError(400, `unknown step ${String(action)}`);
      const examCode = o.examCode ?? (typeof o.package?.examCode === 'string' ? o.package.examCode : undefined);
      const slotId = o.slotId ?? (action === 'book' || action === 'reschedule' ? SIMULATOR_SLOTS[booked++ % SIMULATOR_SLOTS.length] : undefined);
      return act(ref, action, {
        ...(o.candidateId ? { candidateId: o.candidateId } : {}),
        ...(examCode ? { examCode } : {}),
        ...(slotId ? { slotId } : {}),
        ...(o.quirk ? { quirk: o.quirk } : {}),
      });
    },
    candidates: () => [...byEligibility.values()],
    deliveries,
    async outage(mode) {
      outage = mode;
      if (mode === 'none') await flush();
    },
    calls: () => sender?.calls() ?? {},
    resetCalls: () => sender?.resetCalls(),
    stop: () => listening.close(),
  };
}



/** `tsx packages/sandboxes/src/psi/server.ts serve|send …`; the client secret comes from PSI_CLIENT_SECRET. */
async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      bff: { type: 'string' },
      tenant: { type: 'string', default: 'acme' },
      'client-id': { type: 'string', default: 'psi' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      eligibility: { type: 'string' },
      candidate: { type: 'string' },
      exam: { type: 'string' },
      events: { type: 'string', default: 'book,reschedule,complete' },
      shuffle: { type: 'boolean', default: false },
      duplicates: { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
    },
  });
  const mode = positionals[0] ?? 'serve';
  const secret = process.env.PSI_CLIENT_SECRET;
  const senderOpts = (): PsiSenderOptions => {
    if (!values.bff || !secret) throw new Error('--bff URL and the PSI_CLIENT_SECRET environment variable are required');
    return { bffUrl: values.bff, tenantId: values.tenant, clientId: values['client-id'], clientSecret: secret };
  };
  if (mode === 'serve') {
    const sandbox = await startPsiSandbox({
      host: values.host,
      port: Number(values.port),
      ...(values.bff && secret ? { sender: senderOpts() } : {}),
    });
    console.log(JSON.stringify({ psiSandbox: sandbox.url, schedulingUrl: sandbox.schedulingUrl }));
    const stop = () => void sandbox.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  if (mode === 'send') {
    if (!values.eligibility && !(values.candidate && values.exam)) {
      throw new Error('send needs --eligibility ID, or --candidate ID and --exam CODE');
    }
    const cand = new SimulatedPsiCandidate({
      ...(values.eligibility ? { eligibilityId: values.eligibility } : {}),
      candidateId: values.candidate ?? values.eligibility!,
      ...(values.exam ? { examCode: values.exam } : {}),
    });
    const actions = values.events.split(',').map((s) => s.trim()) as CandidateAction[];
    for (const a of actions) if (!CANDIDATE_ACTIONS.includes(a)) throw new Error(`unknown event ${a}`);
    const list = actions.map((a) => cand.act(a));
    const deliveries = await createPsiSender(senderOpts()).sendAll(list, {
      shuffle: values.shuffle,
      duplicateRate: Number(values.duplicates),
      seed: Number(values.seed),
    });
    for (const d of deliveries) console.log(`${d.status} ${String(d.notification.change_reason)} ${String(d.notification.effective_date)}`);
    if (deliveries.some((d) => d.status !== 200)) process.exitCode = 1;
    return;
  }
  throw new Error(`unknown mode ${mode}: use serve or send`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
