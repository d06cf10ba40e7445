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
