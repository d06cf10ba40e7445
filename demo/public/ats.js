// Page logic of the demo ATS (loaded as an external module: the pages allow no inline script).
// Gives each <candidate-assessment> its fetchToken (the ATS back end mints tokens; the browser never sees the
// API key) and runs the "Simulate the candidate" panel.

for (const el of document.querySelectorAll('candidate-assessment[data-candidate]')) {
  const q = new URLSearchParams({ role: el.dataset.role, candidate: el.dataset.candidate });
  el.fetchToken = async () => {
    const res = await fetch(`/ats/token?${q}`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`token request failed (${res.status})`);
    return res.text();
  };
}

const panel = document.getElementById('simulate');
if (panel) {
  const list = document.getElementById('sim-orders');
  const status = document.getElementById('sim-status');
  const candidate = panel.dataset.candidate;
  const STATUS = {
    requested: 'Requested', invited: 'Invited', scheduled: 'Scheduled', in_progress: 'In progress', completed: 'Completed',
    scored: 'Results ready', expired: 'Expired', cancelled: 'Cancelled', no_show: 'No-show', excused: 'Excused', failed: 'Refused',
  };
  let busy = false;
  let again = false;
  let waitingTimer;

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'dataset') Object.assign(node.dataset, v);
      else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  };

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const res = await fetch(`/ats/simulation?candidate=${encodeURIComponent(candidate)}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      const { orders } = await res.json();
      if (!orders.length) {
        list.replaceChildren(el('p', { class: 'muted small' }, 'No assessments yet: send one first.'));
        return;
      }
      list.replaceChildren(
        ...orders.map((o) =>
          el(
            'div',
            { class: 'sim-order', dataset: { order: o.id, vendor: o.vendor } },
            el('p', { class: 'sim-title' }, el('strong', {}, o.packageName), ` · ${o.vendor}`),
            el('p', { class: 'muted small' }, `${STATUS[o.status] ?? o.status}${o.vendorStatus ? ` (vendor: ${o.vendorStatus})` : ''}`),
            // What the presenter presses next (the server derives it from the vendor's steps and the order's status).
            el('p', { class: 'sim-next small', id: `next-${o.id}`, dataset: { next: o.next.step?.id ?? '' } }, o.next.hint),
            el(
              'div',
              { class: 'sim-actions', role: 'group', 'aria-label': `Simulate ${o.packageName}` },
              ...o.actions.map((a) =>
                el(
                  'button',
                  {
                    type: 'button',
                    class: a.id === o.next.step?.id ? 'small next' : 'small',
                    dataset: { order: o.id, action: a.id },
                    ...(a.id === o.next.step?.id ? { 'aria-describedby': `next-${o.id}` } : {}),
                  },
                  a.label,
                ),
              ),
            ),
          ),
        ),
      );
      // Placement changes no status the widget reports: while a vendor has not received an order, look again.
      if (orders.some((o) => o.next.waiting)) {
        clearTimeout(waitingTimer);
        waitingTimer = setTimeout(() => void refresh(), 1000);
      }
    } catch {
      status.textContent = 'Could not load the assessments to simulate.';
    } finally {
      busy = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }

  list.addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    button.disabled = true;
    status.textContent = 'Sending…';
    try {
      const res = await fetch(`/ats/simulation?candidate=${encodeURIComponent(candidate)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: button.dataset.order, action: button.dataset.action }),
      });
      const body = await res.json().catch(() => ({}));
      status.textContent = res.ok ? body.message : `Not done: ${body.error ?? `HTTP ${res.status}`}`;
      status.className = `small ${res.ok ? 'ok' : 'bad'}`;
    } catch {
      status.textContent = 'The demo ATS could not be reached.';
      status.className = 'small bad';
    } finally {
      button.disabled = false;
      void refresh();
    }
  });

  // The widget tells the page about changes: keep the panel in step without polling.
  for (const type of ['ca-ready', 'ca-order-created', 'ca-status-change']) document.addEventListener(type, () => void refresh());
  void refresh();
}
