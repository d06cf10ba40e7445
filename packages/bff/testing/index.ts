// `@ca/bff/testing`: what tests in other packages (sandboxes, widget, demo, test/) use to start a real BFF.
export * from './harness.js';
export { createMemoryVendor, type MemoryVendor } from './memory-vendor.js';
export { openSse, type SseFrame } from './sse-client.js';
export { testDatabases, withSchema } from './databases.js';
