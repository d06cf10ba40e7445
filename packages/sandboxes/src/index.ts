// Public entry of @ca/sandboxes: the VendorSandbox interface, the registry, and each vendor's sandbox.
export * from './types.js';
export { listenSandbox, outageAnswer, type ListeningSandbox } from './http.js';
export { sandboxModuleFor, sandboxModules, sandboxModuleList, type SandboxVendor, type StartedSandboxes } from './registry.js';
export { startPymetricsSandbox, type PymetricsSandbox, type PymetricsSandboxOptions } from './pymetrics/server.js';
export { startMettlSandbox, type MettlSandbox, type MettlSandboxOptions } from './mettl/server.js';
export { startBerkeSandbox, type BerkeSandbox, type BerkeSandboxOptions } from './berke/server.js';
export { startPsiSandbox, type PsiSandbox, type PsiSandboxOptions } from './psi/server.js';
