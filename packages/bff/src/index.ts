// Public entry of @ca/bff for the demo and tests.
export { createApp } from './app.js';
export { buildOpenApi } from './routes/openapi.js';
export { configJsonSchema, loadConfig, parseConfig, ConfigError, type Config } from './config.js';
export { loadCheckedConfig, validateConfig } from './vendor-host/config-check.js';
export { startBff, type RunningBff, type StartOptions } from './runtime.js';
export { vendorModules } from './vendors/registry.js';
export { checkVendorConfig, createVendorHost, type HostedVendor, type VendorHost } from './vendor-host/host.js';
export type { VendorModule, VendorAdapter, VendorContext, StatusUpdate, OrderChange, VendorOrder } from './core/vendor-port.js';
export type { ContractAssumption, ContractDrift, ContractFinding, ContractVerdict, VendorContract } from './core/contract.js';
export { redactSample } from './core/contract.js';
export { VendorError, VendorConfigError, WebhookInvalid, WebhookUnauthorized } from './core/vendor-port.js';
export { escapeHtml } from './html.js';
