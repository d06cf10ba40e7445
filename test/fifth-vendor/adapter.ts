// Quizly, a made-up fifth vendor, written the way a real one is added: this folder plus one line in each
// registry (`vendorModules`, `sandboxModuleList`). Nothing else in the code base knows it. Its wire: a small REST
// API with a bearer key; invitations are polled; a launch URL is minted per click.
import { VendorConfigError, VendorError, type StatusUpdate, type VendorAdapter, type VendorModule } from '@ca/bff';
import type { OrderStatus } from '@ca/shared';

/** Quizly's invitation as its API returns it. */
export interface QuizlyInvitation {
  id: string;
  status: 'invited' | 'started' | 'finished' | 'scored';
  score?: number;
  updatedAt: string;
}

const STATUS: Record<QuizlyInvitation['status'], OrderStatus> = {
  invited: 'invited',
  started: 'in_progress',
  finished: 'completed',
  scored: 'scored',
};

function update(inv: QuizlyInvitation, orderId: string): StatusUpdate {
  return {
    match: { orderId },
    status: STATUS[inv.status],
    vendorStatus: inv.status,
    vendorTime: new Date(inv.updatedAt),
    dedupeKey: `${inv.status}@${inv.updatedAt}`,
    ...(inv.status === 'scored' && inv.score !== undefined ? { result: { score: inv.score, subScores: [], flags: [], jobFits: [], reportAvailable: false } } : {}),
  };
}

const quizly: VendorModule = {
  id: 'quizly',
  displayName: 'Quizly Assessments',
  create(ctx): VendorAdapter {
    const { baseUrl, apiKey } = ctx.config as { baseUrl?: unknown; apiKey?: unknown };
    if (typeof baseUrl !== 'string' || !/^https?:\/\//.test(baseUrl)) throw new VendorConfigError('baseUrl', 'baseUrl: must be an http(s) URL');
    if (typeof apiKey !== 'string' || apiKey.length < 8) throw new VendorConfigError('apiKey', 'apiKey: must be at least 8 characters');
    async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await ctx.fetch(`${baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(5_000),
        });
      } catch (err) {
        throw new VendorError('Quizly could not be reached.', { retryable: true, cause: err });
      }
      if (res.status >= 500) throw new VendorError(`Quizly answered ${res.status}.`, { retryable: true });
      if (!res.ok) throw new VendorError(`Quizly refused the request (${res.status}).`, { retryable: false });
      return (await res.json()) as T;
    }
    return {
      vendor: 'quizly',
      pollIntervalSeconds: Number(ctx.config.pollIntervalSeconds ?? 300),
      defaultKind: 'test',
      async placeOrder(order) {
        const inv = await call<QuizlyInvitation>('POST', '/v1/invitations', {
          externalId: order.id,
          test: order.package.test,
          candidate: { email: order.candidate.email, firstName: order.candidate.firstName, lastName: order.candidate.lastName },
        });
        return { vendorRef: inv.id, change: update(inv, order.id) };
      },
      async launchUrl(order) {
        const { url } = await call<{ url: string }>('POST', `/v1/invitations/${encodeURIComponent(order.vendorRef ?? '')}/launch`);
        return { url };
      },
      async refresh(orders) {
        const out: StatusUpdate[] = [];
        for (const o of orders) {
          if (o.vendorRef) out.push(update(await call<QuizlyInvitation>('GET', `/v1/invitations/${encodeURIComponent(o.vendorRef)}`), o.id));
        }
        return out;
      },
    };
  },
};

export default quizly;
