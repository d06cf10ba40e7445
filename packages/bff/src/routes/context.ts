// What every route gets: the services it calls and the typed request variables. Routes never see the store.
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
import type { Readiness } from '../health/readiness.js';
import type { ActionService } from '../orders/actions.js';
import type { OrderReads } from '../orders/reads.js';
import type { OrderService } from '../orders/service.js';
import type { VendorHost } from '../vendor-host/host.js';

/** The services routes call (app.ts builds the read, action and readiness services from the database). */
export interface RouteDeps {
  config: Config;
  orders: OrderService;
  /** Orders as their callers may see them, histories, the catalog. */
  reads: OrderReads;
  /** Recruiter actions: cancel, remind, retake. */
  actions: ActionService;
  readiness: () => Promise<Readiness>;
  deliveries: DeliveryService;
  links: LinkService;
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

export type Env = { Variables: { principal: Principal } };
