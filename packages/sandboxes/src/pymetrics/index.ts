// The pymetrics sandbox as the registry lists it: simulator steps, start, and what a BFF tenant needs to use it.
import type { SandboxModule } from '../types.js';
import { startPymetricsSandbox, type PymetricsSandbox, type PymetricsSandboxOptions } from './server.js';

const pymetrics: SandboxModule<PymetricsSandbox, PymetricsSandboxOptions> = {
  vendor: 'pymetrics',
  title: 'pymetrics sandbox (SOAP)',
  steps: [
    { id: 'accept', label: 'pymetrics approves', next: ['requested'] },
    { id: 'register', label: 'Creates account' },
    { id: 'start', label: 'Starts games', next: ['invited'] },
    { id: 'complete', label: 'Finishes games', next: ['in_progress'] },
    { id: 'score', label: 'Results released', next: ['completed'] },
  ],
  start: startPymetricsSandbox,
  // Results only when simulated ("Results released"), as pymetrics' documented delay.
  demoOptions: { autoScore: false },
  connect(sandbox, link) {
    return {
      config: {
        endpoint: sandbox.endpoint,
        clientId: sandbox.clientId,
        clientSecret: sandbox.clientSecret,
        organizationId: link.tenantId.toUpperCase(),
        ...(link.pollIntervalSeconds ? { pollIntervalSeconds: link.pollIntervalSeconds } : {}),
      },
      packages: [
        { id: 'pym-games', vendor: 'pymetrics', name: 'Job fit games', assessmentId: '33', description: 'Neuroscience-based games, about 25 minutes.' },
      ],
      secrets: [{ name: 'pymetrics client secret', value: sandbox.clientSecret }],
      entry: sandbox.endpoint,
    };
  },
};

export default pymetrics;
