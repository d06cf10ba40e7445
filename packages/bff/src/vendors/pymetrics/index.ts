// pymetrics as the core registers it (vendors/registry.ts).
import type { VendorModule } from '../../core/vendor-port.js';
import create from './adapter.js';

const pymetrics: VendorModule = { id: 'pymetrics', displayName: 'pymetrics', create };
export default pymetrics;
