// Recruiter actions on an order (cancel, remind, retake): what the API answers and what an order says about the
// last one. Each uses the vendor's own call where the vendor has one; `vendorCall` null means "marked here only".
import { z } from 'zod';

export const ActionName = z.enum(['cancel', 'remind', 'retake']);
export type ActionName = z.infer<typeof ActionName>;

/** The latest recruiter action on an order, as the order carries it (and so the SSE stream and the ATS webhook). */
export const OrderAction = z.object({
  action: ActionName,
  /** The acting ATS user (the widget token's `act`), null for an API key or a token without one. */
  actor: z.string().nullable(),
  at: z.string().datetime({ offset: true }),
  /** The vendor call made, e.g. `Berke DeleteAssessment`; null when the vendor has none and it was marked here only. */
  vendorCall: z.string().nullable(),
});
export type OrderAction = z.infer<typeof OrderAction>;
