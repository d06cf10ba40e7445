// Browser-safe entry: schemas, types and pure checks. Token signing lives in `@ca/shared/server`.
export * from './status.js';
export * from './order.js';
export * from './event.js';
export * from './errors.js';
export * from './token.js';
export * from './api.js';
export * from './actions.js';
export * from './storable.js';
