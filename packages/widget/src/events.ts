// The element's public events (docs/contracts.md#widget-element): names and detail types. All bubble and cross the shadow root.
import type { Order, OrderStatus } from '@ca/shared';

export interface CaReadyDetail {
  /** Orders shown when the widget became ready. */
  orders: number;
}
export interface CaOrderCreatedDetail {
  order: Order;
}
export interface CaStatusChangeDetail {
  order: Order;
  /** The status before this change. */
  previous: OrderStatus;
}
export interface CaErrorDetail {
  /** The BFF's error code (`token_expired`, `vendor_rejected`, …) or `network` / `config`. */
  code: string;
  /** A sentence for a person, in the widget's language. */
  message: string;
}

export interface CandidateAssessmentEventMap {
  'ca-ready': CustomEvent<CaReadyDetail>;
  'ca-order-created': CustomEvent<CaOrderCreatedDetail>;
  'ca-status-change': CustomEvent<CaStatusChangeDetail>;
  'ca-error': CustomEvent<CaErrorDetail>;
}
