// The PSI sandbox as the registry lists it: simulator steps, start, and what a BFF tenant needs to use it.
// PSI sends to us, so connecting it also points its sender at the tenant's OAuth client on the BFF.
import { randomBytes } from 'node:crypto';
import type { SandboxModule } from '../types.js';
import { startPsiSandbox, type PsiSandbox, type PsiSandboxOptions } from './server.js';

const psi: SandboxModule<PsiSandbox, PsiSandboxOptions> = {
  vendor: 'psi',
  title: 'PSI sandbox (scheduling)',
  steps: [
    { id: 'book', label: 'Books exam', next: ['invited'] },
    { id: 'reschedule', label: 'Reschedules' },
    { id: 'cancel', label: 'Cancels booking' },
    { id: 'complete', label: 'Sits the exam', next: ['scheduled'] },
    { id: 'absent', label: 'Absent' },
    { id: 'excused', label: 'Excused absence' },
  ],
  start: startPsiSandbox,
  demoOptions: {},
  connect(sandbox, link) {
    const clientId = `psi-${link.tenantId}`;
    const clientSecret = `psi-${randomBytes(24).toString('base64url')}`;
    sandbox.connect({ bffUrl: link.bffUrl, tenantId: link.tenantId, clientId, clientSecret });
    return {
      config: {
        clients: [{ clientId, clientSecret }],
        schedulingUrl: sandbox.schedulingUrl,
        ...(link.pollIntervalSeconds ? { pollIntervalSeconds: link.pollIntervalSeconds } : {}),
      },
      packages: [
        { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1', description: 'Proctored exam at a test center or online.' },
      ],
      secrets: [{ name: 'PSI client secret', value: clientSecret }],
      entry: `${sandbox.url}/schedule`,
    };
  },
};

export default psi;
