// Berke as the core registers it (vendors/registry.ts).
import type { VendorModule } from '../../core/vendor-port.js';
import create from './adapter.js';

const berke: VendorModule = { id: 'berke', displayName: 'Berke', create };
export default berke;
