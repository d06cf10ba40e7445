// Public entry of @ca/bff for the demo and tests.
export { createApp } from './app.js';
export { loadConfig, parseConfig, ConfigError, type Config } from './config.js';
export { startBff, type RunningBff, type StartOptions } from './runtime.js';
export { vendorFactories } from './vendors/registry.js';
export { escapeHtml } from './html.js';
