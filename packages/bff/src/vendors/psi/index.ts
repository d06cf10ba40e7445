// PSI as the core registers it (vendors/registry.ts).
import type { VendorModule } from '../../core/vendor-port.js';
import create from './adapter.js';

const psi: VendorModule = { id: 'psi', displayName: 'PSI', create };
export default psi;
