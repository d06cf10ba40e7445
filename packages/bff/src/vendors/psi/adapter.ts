// PSI (Atlas) adapter: PSI pushes booking notifications to us; there is no outbound ordering API in scope.
// Ordering creates our eligibility id and a scheduling link from config. Never calls PSI, never authenticates hooks itself.
import { redactSample } from '../../core/contract.js';
import { parseVendorConfig } from '../config.js';
import {
  VendorConfigError,
  type InboundRequest,
  type PlacedOrder,
  type StatusUpdate,
  type VendorAdapter,
  type VendorAdapterFactory,
  type VendorOrder,
} from '../../core/vendor-port.js';
import { PLACEHOLDERS, PsiConfig, PsiPackage } from './config.js';
import { psiContract } from './contract.js';
import { CHANGE_REASONS, ELIGIBILITY_CREATED } from './status.js';
import { ignoredFields, parseNotification, toStatusUpdate } from './webhook.js';

/** Our `client_eligibility_id` for an order: stable across retries of placeOrder, so PSI's record and ours agree. */
export function eligibilityIdFor(orderId: string): string {
  return orderId;
}

const psi: VendorAdapterFactory = (ctx) => {
  const config = parseVendorConfig(PsiConfig, ctx.config);
  const examCodes = new Map<string, string>();
  for (const pkg of ctx.packages) {
    const { examCode } = parseVendorConfig(PsiPackage, pkg, `packages.${pkg.id}`);
    const other = examCodes.get(examCode);
    if (other !== undefined) {
      throw new VendorConfigError(`packages.${pkg.id}.examCode`, `packages.${pkg.id}.examCode: also used by ${other}`);
    }
    examCodes.set(examCode, pkg.id);
  }

  function schedulingLink(order: VendorOrder): string {
    return fillSchedulingUrl({
      eligibilityId: order.vendorRef ?? eligibilityIdFor(order.id),
      candidateId: order.candidateId,
      examCode: String(order.package.examCode ?? ''),
    });
  }

  function fillSchedulingUrl(values: Record<(typeof PLACEHOLDERS)[number], string>): string {
    return config.schedulingUrl.replace(/\{(\w+)\}/g, (_, name: (typeof PLACEHOLDERS)[number]) =>
      encodeURIComponent(values[name]),
    );
  }

  const adapter: VendorAdapter = {
    vendor: 'psi',
    pollIntervalSeconds: config.pollIntervalSeconds ?? 300,
    defaultKind: 'exam',
    oauthClients: config.clients,

    async placeOrder(order): Promise<PlacedOrder> {
      const eligibilityId = eligibilityIdFor(order.id);
      return {
        vendorRef: eligibilityId,
        vendorData: { eligibilityId },
        change: {
          status: 'invited',
          vendorStatus: ELIGIBILITY_CREATED,
          vendorTime: ctx.now(),
          dedupeKey: `${ELIGIBILITY_CREATED}|${eligibilityId}`,
        },
      };
    },

    // The link is a pure function of the order: no PSI call, nothing single use.
    async launchUrl(order) {
      return { url: schedulingLink(order) };
    },

    async parseWebhook(req: InboundRequest): Promise<StatusUpdate[]> {
      const { notification, raw } = parseNotification(req.body);
      const update = toStatusUpdate(notification, { packages: ctx.packages, observedAt: ctx.now(), raw });
      const ignored = ignoredFields(raw, notification);
      // docs/operations.md#vendor-contract-drift: a field we could not use, or a change_reason outside the documented list.
      const reason = notification.change_reason;
      const drift = [
        ...(ignored.length > 0 ? [`unusable ${ignored.sort().join(', ')}`] : []),
        ...(reason === undefined ? ['no change_reason'] : (CHANGE_REASONS as readonly string[]).includes(reason) ? [] : [`change_reason ${reason.slice(0, 40)}`]),
      ];
      if (drift.length > 0) ctx.drift({ call: 'notification', shape: drift.join('; '), sample: redactSample(req.body) });
      if (ignored.length > 0 || update.status === 'requested') {
        // Accepted all the same (docs/vendors/psi.md#responses-and-retries: a refusal lands in PSI's manual error queue); the raw body is stored.
        ctx.log.warn({ vendor: 'psi', ignored, vendorStatus: update.vendorStatus }, 'psi notification with unusable or unknown fields');
      }
      ctx.log.debug({ changeReason: notification.change_reason, dedupeKey: update.dedupeKey }, 'psi notification parsed');
      return [update];
    },
    contract: () => psiContract(ctx, { schedulingLink: fillSchedulingUrl, clients: config.clients }),
  };
  return adapter;
};

export default psi;
