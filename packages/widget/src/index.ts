// Entry of the /widget.js bundle. Without a window (server-side import, a worker) it does nothing at all.
export type { CandidateAssessment } from './candidate-assessment.component.js';
export type * from './events.js';

if (typeof window !== 'undefined' && typeof customElements !== 'undefined') await import('./candidate-assessment.js');
