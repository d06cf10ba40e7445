// Every vendor the BFF knows, in catalog order. The one place that lists them: a new vendor is a folder
// under vendors/ with an index.ts exporting its VendorModule, plus one line here.
import type { VendorModule } from '../core/vendor-port.js';
import berke from './berke/index.js';
import mettl from './mettl/index.js';
import psi from './psi/index.js';
import pymetrics from './pymetrics/index.js';

export const vendorModules: readonly VendorModule[] = [pymetrics, mettl, berke, psi];
