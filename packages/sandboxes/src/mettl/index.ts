// The Mettl sandbox as the registry lists it: simulator steps, start, and what a BFF tenant needs to use it.
import { randomBytes } from 'node:crypto';
import type { SandboxModule } from '../types.js';
import { startMettlSandbox, type MettlSandbox, type MettlSandboxOptions } from './server.js';

const mettl: SandboxModule<MettlSandbox, MettlSandboxOptions> = {
  vendor: 'mettl',
  title: 'Mettl sandbox (REST)',
  steps: [
    { id: 'start', label: 'Starts test', next: ['invited', 'scheduled'] },
    { id: 'finish', label: 'Finishes test', next: ['in_progress'] },
    { id: 'expire', label: 'Time runs out' },
    { id: 'resume', label: 'Admin re-enables' },
    { id: 'grade', label: 'Graded', next: ['completed'] },
  ],
  start: startMettlSandbox,
  // Graded only when simulated, at 82 %, so the demo shows a result worth reading.
  demoOptions: { autoGradeMs: false, gradePercentage: 82 },
  connect(sandbox, link) {
    const webhookPassword = randomBytes(18).toString('base64url');
    return {
      config: {
        baseUrl: sandbox.baseUrl,
        publicKey: sandbox.publicKey,
        privateKey: sandbox.privateKey,
        webhookUser: `${link.tenantId}-mettl-hooks`,
        webhookPassword,
        ...(link.pollIntervalSeconds ? { pollIntervalSeconds: link.pollIntervalSeconds } : {}),
      },
      packages: [
        { id: 'mettl-java', vendor: 'mettl', name: 'Java coding test', assessmentId: '123456', description: 'Proctored coding test, 60 minutes.' },
      ],
      secrets: [
        { name: 'Mettl public key', value: sandbox.publicKey },
        { name: 'Mettl private key', value: sandbox.privateKey },
        { name: 'Mettl webhook password', value: webhookPassword },
      ],
      entry: sandbox.baseUrl,
    };
  },
};

export default mettl;
