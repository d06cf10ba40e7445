// Vendor id → adapter factory. The one place that names every vendor.
import type { VendorId } from '@ca/shared';
import type { VendorAdapterFactory } from '../core/vendor-port.js';
import berke from './berke/adapter.js';
import mettl from './mettl/adapter.js';
import psi from './psi/adapter.js';
import pymetrics from './pymetrics/adapter.js';

export const vendorFactories: Record<VendorId, VendorAdapterFactory> = { pymetrics, mettl, berke, psi };
