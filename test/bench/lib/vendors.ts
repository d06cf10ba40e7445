// The real adapter factory of one vendor, through @ca/bff's public entry. The registry's shape is being
// refactored (vendorFactories → vendorModules); this reads either so the benches run across the change.
import * as bff from '@ca/bff';

type Factory = (ctx: any) => any;

export function realFactory(vendor: string): Factory {
  const api = bff as unknown as {
    vendorModules?: readonly { id: string; create: Factory }[];
    vendorFactories?: Record<string, Factory>;
  };
  const f = api.vendorModules?.find((m) => m.id === vendor)?.create ?? api.vendorFactories?.[vendor];
  if (!f) throw new Error(`@ca/bff exports no adapter factory for ${vendor}`);
  return f;
}
