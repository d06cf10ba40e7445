// Registers <candidate-assessment> once: a second copy of the bundle on the page leaves the first definition alone.
import { CandidateAssessment } from './candidate-assessment.component.js';
import type { CandidateAssessmentEventMap } from './events.js';

export { CandidateAssessment };
export type * from './events.js';

if (!customElements.get('candidate-assessment')) customElements.define('candidate-assessment', CandidateAssessment);

declare global {
  interface HTMLElementTagNameMap {
    'candidate-assessment': CandidateAssessment;
  }
  interface GlobalEventHandlersEventMap extends CandidateAssessmentEventMap {}
}
