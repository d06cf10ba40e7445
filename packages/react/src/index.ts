// <CandidateAssessment> for React: the <candidate-assessment> element wrapped by @lit/react, so props reach the
// element as properties (fetchToken is a function) and its events arrive as typed callbacks. Importing this module
// registers the element; render it on the client only (in Next.js, from a 'use client' component).
import { CandidateAssessment as CandidateAssessmentElement } from '@ca/widget/element';
import type { CaErrorDetail, CaOrderCreatedDetail, CaReadyDetail, CaStatusChangeDetail } from '@ca/widget';
import { createComponent, type EventName, type ReactWebComponent } from '@lit/react';
import * as React from 'react';

export type { CaErrorDetail, CaOrderCreatedDetail, CaReadyDetail, CaStatusChangeDetail } from '@ca/widget';

const events = {
  /** `ca-ready`: the first list is shown. */
  onReady: 'ca-ready' as EventName<CustomEvent<CaReadyDetail>>,
  /** `ca-order-created`: the recruiter ordered an assessment. */
  onOrderCreated: 'ca-order-created' as EventName<CustomEvent<CaOrderCreatedDetail>>,
  /** `ca-status-change`: an order's status changed (live). */
  onStatusChange: 'ca-status-change' as EventName<CustomEvent<CaStatusChangeDetail>>,
  /** `ca-error`: something the user should know went wrong; `detail.code` is stable. */
  onError: 'ca-error' as EventName<CustomEvent<CaErrorDetail>>,
};

/**
 * @example
 * <CandidateAssessment
 *   api="https://bff.example.com"
 *   fetchToken={() => fetch('/ats/assessment-token?candidate=123').then((r) => r.text())}
 *   onStatusChange={(e) => console.log(e.detail.order.status)}
 * />
 */
export const CandidateAssessment: ReactWebComponent<CandidateAssessmentElement, typeof events> = createComponent({
  tagName: 'candidate-assessment',
  elementClass: CandidateAssessmentElement,
  react: React,
  events,
  displayName: 'CandidateAssessment',
});

export type CandidateAssessmentProps = React.ComponentProps<typeof CandidateAssessment>;
