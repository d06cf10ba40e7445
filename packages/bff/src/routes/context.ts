// What every route gets: the injected dependencies and the typed request variables.
import type { Logger } from 'pino';
import type { FailureLimiter } from '../auth/failures.js';
import type { PrivacyService } from '../privacy/service.js';
import type { Principal } from '../auth/principal.js';
import type { Authenticator } from '../auth/principal.js';
import type { OAuthIssuer } from '../auth/oauth.js';
import type { Config } from '../config.js';
import type { DeliveryService } from '../deliveries/service.js';
import type { SseHub } from '../events/hub.js';
import type { LinkService } from '../links/service.js';
import type { Metrics } from '../metrics.js';
import type { OrderService } from '../orders/service.js';
import type { Database } from '../store/db.js';
import type { VendorHost } from '../vendor-host/host.js';
import type { VendorId } from '@ca/shared';

export interface AppDeps {
  config: Config;
  db: Database;
  orders: OrderService;
  deliveries: DeliveryService;
  links: LinkService;
  jobs: {
    refreshOrderSoon(tenantId: string, vendor: VendorId, orderId: string): Promise<void>;
    ready(): boolean;
  };
  hub: SseHub;
  adapters: VendorHost;
  auth: Authenticator;
  oauth: OAuthIssuer;
  metrics: Metrics;
  log: Logger;
  now: () => Date;
  /** Retention and erasure (DELETE /v1/candidates/{id}). */
  privacy?: PrivacyService;
  /** Failed-authentication limits; default: DEFAULT_FAILURE_LIMITS, in memory. */
  failures?: FailureLimiter;
  /** Path of the built widget bundle served at /widget.js. */
  widgetFile: string;
}

export type Env = { Variables: { principal: Principal; requestId: string } };
