// pymetrics' go-live contract check (docs/vendors/pymetrics.md#assumptions): only calls that change nothing at
// pymetrics (authenticate, echo, list_assessments, get_bulk_status of an empty batch). Each assumption is reported
// once; what no harmless call reaches is `not_exercised`, with why.
import { redactSample, type ContractAssumption, type ContractDrift, type ContractFinding, type VendorContract } from '../../core/contract.js';
import { VendorError } from '../../core/vendor-port.js';
import type { PymetricsClient } from './client.js';

export const PYMETRICS_ASSUMPTIONS = [
  { id: 'pymetrics.authenticate', summary: 'authenticate(client_id, client_secret) answers session_id and expiry_period (seconds)' },
  { id: 'pymetrics.request-header', summary: 'calls carry RequestHeader{session_id, client_id} with its children in the configured namespace' },
  { id: 'pymetrics.echo', summary: 'echo answers its argument in echoResult' },
  { id: 'pymetrics.list-assessments', summary: 'list_assessments(organization_id) answers list_assessmentResult records with assessment_id' },
  { id: 'pymetrics.bulk-status', summary: 'get_bulk_status answers get_bulk_statusResponse with AssessmentStatus records' },
  { id: 'pymetrics.status-values', summary: 'statuses are PENDING, ACCEPTED, NOT_STARTED, IN_PROGRESS, COMPLETED, FULFILLED' },
  { id: 'pymetrics.bulk-results', summary: 'get_bulk_results answers AssessmentResultFullResponse records with order_id and score, fitscore or band' },
  { id: 'pymetrics.report', summary: 'get_report(order_id) answers report_url' },
  { id: 'pymetrics.session-expired', summary: 'an expired session answers the fault "Your session has expired…"' },
] as const satisfies readonly ContractAssumption[];

type Id = (typeof PYMETRICS_ASSUMPTIONS)[number]['id'];

const NEEDS_ORDER = 'needs an order id; no harmless call lists orders (watch ca_vendor_contract_drift_total after the first orders)';

export function pymetricsContract(client: PymetricsClient, organizationId: string | undefined): VendorContract {
  return {
    assumptions: PYMETRICS_ASSUMPTIONS,
    async check() {
      const out = new Map<Id, ContractFinding>();
      const set = (assumption: Id, verdict: ContractFinding['verdict'], detail: string, sample?: string) =>
        out.set(assumption, { assumption, verdict, detail, ...(sample ? { sample } : {}) });
      // What the client's codec refused during this check, by call: the contradicting answer, redacted.
      const refused = new Map<string, ContractDrift>();
      const observe = client.observeDrift((d) => refused.set(d.call, d));
      try {
        await checkSession(client, set, refused);
        if (!out.has('pymetrics.authenticate') || out.get('pymetrics.authenticate')!.verdict === 'held') {
          await checkEcho(client, set, refused);
          await checkListing(client, organizationId, set, refused);
          await checkStatus(client, set, refused);
        }
      } finally {
        observe();
      }
      set('pymetrics.status-values', 'not_exercised', NEEDS_ORDER);
      set('pymetrics.bulk-results', 'not_exercised', NEEDS_ORDER);
      set('pymetrics.report', 'not_exercised', NEEDS_ORDER);
      set('pymetrics.session-expired', 'not_exercised', 'needs a session an hour old');
      for (const a of PYMETRICS_ASSUMPTIONS) if (!out.has(a.id)) set(a.id, 'not_exercised', 'authentication failed first');
      return PYMETRICS_ASSUMPTIONS.map((a) => out.get(a.id)!);
    },
  };
}

type Mark = (id: Id, verdict: ContractFinding['verdict'], detail: string, sample?: string) => void;

/** A failed call's verdict: the codec refused the answer (contradicted, with it), or the vendor said no. */
function failure(e: unknown, call: string, refused: Map<string, ContractDrift>): { detail: string; sample?: string } {
  const drift = refused.get(call);
  if (drift) return { detail: `${call}: ${drift.shape}`, sample: drift.sample };
  const message = e instanceof Error ? e.message : String(e);
  return { detail: `${call}: ${message}`, sample: redactSample(message) };
}

async function checkSession(client: PymetricsClient, set: Mark, refused: Map<string, ContractDrift>): Promise<void> {
  try {
    const seconds = await client.freshSession();
    set('pymetrics.authenticate', 'held', `authenticate answered a session of ${seconds} s`);
  } catch (e) {
    if (e instanceof VendorError && !refused.has('authenticate')) throw e; // unreachable or refused: not a verdict
    const f = failure(e, 'authenticate', refused);
    set('pymetrics.authenticate', 'contradicted', f.detail, f.sample);
  }
}

async function checkEcho(client: PymetricsClient, set: Mark, refused: Map<string, ContractDrift>): Promise<void> {
  const probe = 'candidate-assessment contract';
  try {
    const said = await client.echo(probe);
    set('pymetrics.request-header', 'held', 'echo with the session header was accepted');
    if (said === probe) set('pymetrics.echo', 'held', 'echo answered its argument');
    else set('pymetrics.echo', 'contradicted', 'echo answered something else', redactSample(said));
  } catch (e) {
    const f = failure(e, 'echo', refused);
    if (refused.has('echo')) {
      set('pymetrics.request-header', 'held', 'echo with the session header was answered');
      set('pymetrics.echo', 'contradicted', f.detail, f.sample);
    } else {
      // A fault for echo is pymetrics refusing the header: the session is fresh, so it is the header's shape.
      set('pymetrics.request-header', 'contradicted', f.detail, f.sample);
      set('pymetrics.echo', 'not_exercised', 'echo was refused');
    }
  }
}

async function checkListing(client: PymetricsClient, organizationId: string | undefined, set: Mark, refused: Map<string, ContractDrift>): Promise<void> {
  if (!organizationId) {
    set('pymetrics.list-assessments', 'not_exercised', 'no organizationId in the config');
    return;
  }
  try {
    const list = await client.listAssessments(organizationId);
    set('pymetrics.list-assessments', 'held', `list_assessments answered ${list.length} assessment(s)`);
  } catch (e) {
    const f = failure(e, 'list_assessments', refused);
    set('pymetrics.list-assessments', 'contradicted', f.detail, f.sample);
  }
}

async function checkStatus(client: PymetricsClient, set: Mark, refused: Map<string, ContractDrift>): Promise<void> {
  try {
    const records = await client.getBulkStatus([]);
    set('pymetrics.bulk-status', 'held', `get_bulk_status of an empty batch answered ${records.length} record(s)`);
  } catch (e) {
    const f = failure(e, 'get_bulk_status', refused);
    set('pymetrics.bulk-status', 'contradicted', f.detail, f.sample);
  }
}
