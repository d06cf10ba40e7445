// Prometheus metrics (prom-client), one registry per app so tests and replicas don't share counters.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  // The event-loop lag gauges sample with a timer: prom-client's default, every 10 ms, woke an idle BFF 100 times a
  // second (most of its idle CPU, measured: docs/benchmarks.md#idle). Every 200 ms still times each sample exactly.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 200 });
  return {
    registry,
    httpRequests: new Counter({
      name: 'ca_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpLatency: new Histogram({
      name: 'ca_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    sseClients: new Gauge({ name: 'ca_sse_clients', help: 'Open SSE connections', registers: [registry] }),
    sseDelivered: new Counter({ name: 'ca_sse_events_delivered_total', help: 'Events written to SSE clients', registers: [registry] }),
    sseDropped: new Counter({
      name: 'ca_sse_clients_dropped_total',
      help: 'SSE clients closed for being too slow',
      registers: [registry],
    }),
    vendorCalls: new Counter({
      name: 'ca_vendor_calls_total',
      help: 'Vendor calls by operation and outcome',
      labelNames: ['vendor', 'op', 'outcome'] as const,
      registers: [registry],
    }),
    vendorLatency: new Histogram({
      name: 'ca_vendor_call_duration_seconds',
      help: 'Vendor call duration',
      labelNames: ['vendor', 'op'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    vendorContractDrift: new Counter({
      name: 'ca_vendor_contract_drift_total',
      help: 'Vendor answers that did not match the shape we parse, by vendor and call (docs/operations.md#vendor-contract-drift)',
      labelNames: ['vendor', 'call'] as const,
      registers: [registry],
    }),
    atsWebhooks: new Counter({
      name: 'ca_ats_webhook_attempts_total',
      help: 'Outbound ATS webhook delivery attempts by outcome: delivered, failed (retried later), gave_up (the last retry failed)',
      labelNames: ['tenant', 'outcome'] as const,
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'ca_webhooks_total',
      help: 'Inbound vendor notifications by outcome',
      labelNames: ['vendor', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
