// The demo's React example (served at /react/<candidate>): the recruiter view of <candidate-assessment> through
// @ca/react, with the element's events kept in React state. Bundled by esbuild when the page is first asked for.
import { CandidateAssessment, type CaStatusChangeDetail } from '@ca/react';
import { createElement as h, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';

interface Props {
  api: string;
  candidate: string;
}

function RecruiterPanel({ api, candidate }: Props) {
  const [log, setLog] = useState<string[]>([]);
  const add = useCallback((line: string) => setLog((l) => [line, ...l].slice(0, 20)), []);
  const fetchToken = useCallback(
    () => fetch(`/ats/token?role=recruiter&candidate=${encodeURIComponent(candidate)}`).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`token ${r.status}`)))),
    [candidate],
  );
  return h(
    'div',
    { className: 'cols' },
    h(
      'div',
      { className: 'primary' },
      h(CandidateAssessment, {
        api,
        fetchToken,
        onReady: (e) => add(`ready: ${e.detail.orders} assessment(s)`),
        onOrderCreated: (e) => add(`ordered: ${e.detail.order.packageName}`),
        onStatusChange: (e: CustomEvent<CaStatusChangeDetail>) => add(`${e.detail.order.packageName}: ${e.detail.previous} → ${e.detail.order.status}`),
        onError: (e) => add(`error ${e.detail.code}: ${e.detail.message}`),
      }),
    ),
    h(
      'aside',
      { className: 'secondary' },
      h('section', { className: 'card' }, h('h2', null, 'Events seen by React'), h('ol', { id: 'react-log', className: 'small' }, ...log.map((l, i) => h('li', { key: `${log.length - i}` }, l)))),
    ),
  );
}

const root = document.getElementById('root')!;
createRoot(root).render(h(RecruiterPanel, { api: root.dataset['api']!, candidate: root.dataset['candidate']! }));
