// The Berke sandbox as the registry lists it: simulator steps, start, and what a BFF tenant needs to use it.
import type { SandboxModule } from '../types.js';
import { startBerkeSandbox, type BerkeSandbox, type BerkeSandboxOptions } from './server.js';

const berke: SandboxModule<BerkeSandbox, BerkeSandboxOptions> = {
  vendor: 'berke',
  title: 'Berke sandbox (REST)',
  steps: [
    { id: 'start', label: 'Starts', next: ['invited'] },
    { id: 'progress', label: 'Answers a section' },
    { id: 'complete', label: 'Finishes', next: ['in_progress'] },
    { id: 'score', label: 'Job fit computed', next: ['completed'] },
  ],
  start: startBerkeSandbox,
  demoOptions: {},
  connect(sandbox, link) {
    return {
      config: {
        baseUrl: sandbox.baseUrl,
        apiToken: sandbox.apiToken,
        ...(link.pollIntervalSeconds ? { pollIntervalSeconds: link.pollIntervalSeconds } : {}),
      },
      packages: [
        { id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep', description: 'Personality and job-fit profile.' },
      ],
      secrets: [{ name: 'Berke API token', value: sandbox.apiToken }],
      entry: sandbox.baseUrl,
    };
  },
};

export default berke;
