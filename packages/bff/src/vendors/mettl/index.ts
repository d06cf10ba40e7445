// Mercer | Mettl as the core registers it (vendors/registry.ts).
import type { VendorModule } from '../../core/vendor-port.js';
import create from './adapter.js';

const mettl: VendorModule = { id: 'mettl', displayName: 'Mercer | Mettl', create };
export default mettl;
