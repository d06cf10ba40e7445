// Vendor id → sandbox module: the one list the demo and the simulator read. A new vendor's sandbox is its folder
// plus one line here.
import berke from './berke/index.js';
import mettl from './mettl/index.js';
import psi from './psi/index.js';
import pymetrics from './pymetrics/index.js';
import type { SandboxModule, VendorSandbox } from './types.js';

export const sandboxModules = { pymetrics, mettl, berke, psi } as const;

export type SandboxVendor = keyof typeof sandboxModules;

/** A started sandbox of each registered vendor, typed as its own module says. */
export type StartedSandboxes = { [V in SandboxVendor]: Awaited<ReturnType<(typeof sandboxModules)[V]['start']>> };

/** The registry as a plain list, for code that treats every vendor alike. */
export const sandboxModuleList = Object.values(sandboxModules) as readonly SandboxModule<VendorSandbox, unknown>[];

/** The module of a vendor id, or undefined for a vendor without a sandbox. */
export function sandboxModuleFor(vendor: string): SandboxModule<VendorSandbox, unknown> | undefined {
  return Object.hasOwn(sandboxModules, vendor) ? (sandboxModules[vendor as SandboxVendor] as SandboxModule<VendorSandbox, unknown>) : undefined;
}
