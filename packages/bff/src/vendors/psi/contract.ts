// PSI's go-live contract check (docs/vendors/psi.md#assumptions). PSI pushes to us and offers no API we call, so
// most assumptions can only be seen when its notifications arrive (counted as drift then); what can be exercised
// without touching PSI's records is: the scheduling link candidates are sent to, and our own OAuth token endpoint
// as PSI's OAuth2 client will call it.
import type { ContractAssumption, ContractFinding, VendorContract } from '../../core/contract.js';
import { redactSample } from '../../core/contract.js';
import type { OAuthClient, PackageConfig, VendorContext } from '../../core/vendor-port.js';

export const PSI_ASSUMPTIONS = [
  { id: 'psi.scheduling-link', summary: "the tenant's schedulingUrl, filled in, answers the candidate's scheduling page" },
  { id: 'psi.oauth-token', summary: 'our POST /oauth/token answers a Bearer access_token to the configured client (RFC 6749 §4.4)' },
  { id: 'psi.notification-fields', summary: 'notifications are NotificationRequest JSON with booking_code, candidate_id, change_reason, effective_date' },
  { id: 'psi.change-reasons', summary: 'change_reason is one of BOOKING_CREATED/RESCHEDULED/CANCELLED, EXAM_COMPLETED, ABSENT, EXCUSED_ABSENT' },
  { id: 'psi.times-utc', summary: 'booking_on and effective_date are UTC YYYY-MM-DDThh:mm:ssZ' },
  { id: 'psi.matching', summary: 'client_eligibility_id is echoed when given; else candidate_id and exam_code name the order' },
  { id: 'psi.refusal-queue', summary: 'a notification answered other than 200 goes to PSI\'s manual error queue' },
] as const satisfies readonly ContractAssumption[];

const PUSHED =
  'PSI pushes notifications and offers no call to read one; each arriving notification is checked and counted as drift when it does not match';

export function psiContract(ctx: VendorContext, o: { schedulingLink(p: { candidateId: string; examCode: string; eligibilityId: string }): string; clients: readonly OAuthClient[] }): VendorContract {
  return {
    assumptions: PSI_ASSUMPTIONS,
    async check() {
      const out: ContractFinding[] = [await checkSchedulingLink(ctx, o.schedulingLink), await checkOAuthToken(ctx, o.clients)];
      for (const id of ['psi.notification-fields', 'psi.change-reasons', 'psi.times-utc', 'psi.matching'] as const) {
        out.push({ assumption: id, verdict: 'not_exercised', detail: PUSHED });
      }
      out.push({ assumption: 'psi.refusal-queue', verdict: 'not_exercised', detail: 'would need PSI to send a notification we refuse' });
      return out;
    },
  };
}

/** GET of the scheduling link a candidate would get, for a made-up eligibility: a page (2xx, or a redirect to one). */
async function checkSchedulingLink(
  ctx: VendorContext,
  link: (p: { candidateId: string; examCode: string; eligibilityId: string }) => string,
): Promise<ContractFinding> {
  const assumption = 'psi.scheduling-link';
  const pkg: PackageConfig | undefined = ctx.packages[0];
  const url = link({ candidateId: 'contract-check', examCode: String(pkg?.examCode ?? ''), eligibilityId: 'contract-check' });
  let res: Response;
  try {
    res = await ctx.fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    const reason = (e as Error).message ?? String(e);
    return { assumption, verdict: 'not_exercised', detail: `the scheduling host could not be reached: ${redactSample(reason, 120)}` };
  }
  const type = res.headers.get('content-type') ?? '';
  const body = await res.text().catch(() => '');
  if ((res.status >= 200 && res.status < 300 && type.includes('html')) || (res.status >= 300 && res.status < 400)) {
    return { assumption, verdict: 'held', detail: `GET of the scheduling link answered HTTP ${res.status}${type ? ` (${type.split(';')[0]})` : ''}` };
  }
  return { assumption, verdict: 'contradicted', detail: `GET of the scheduling link answered HTTP ${res.status} ${type}`.trim(), sample: redactSample(body) };
}

/** Our own token endpoint, as PSI's OAuth2 client calls it; only when the BFF at publicUrl is up. */
async function checkOAuthToken(ctx: VendorContext, clients: readonly OAuthClient[]): Promise<ContractFinding> {
  const assumption = 'psi.oauth-token';
  const client = clients[0];
  if (!client) return { assumption, verdict: 'not_exercised', detail: 'no OAuth client configured (vendors.psi.clients)' };
  let res: Response;
  try {
    res = await ctx.fetch(`${ctx.publicUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return { assumption, verdict: 'not_exercised', detail: `the BFF at ${ctx.publicUrl} is not running; run the check again once it is` };
  }
  const text = await res.text().catch(() => '');
  let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* judged below */
  }
  if (res.status === 200 && typeof body.access_token === 'string' && String(body.token_type).toLowerCase() === 'bearer') {
    return { assumption, verdict: 'held', detail: `token endpoint answered a Bearer token valid ${String(body.expires_in)} s` };
  }
  return { assumption, verdict: 'contradicted', detail: `token endpoint answered HTTP ${res.status}`, sample: redactSample(text) };
}
