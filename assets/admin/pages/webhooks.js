// Webhooks: create with an events picker (the secret is shown once), enable/disable,
// test, rotate the secret, and each webhook's deliveries with every attempt, retry, replay.

import {
  del, get, patch, post, query,
} from '../api.js';
import {
  attempt, badge, confirmDialog, field, h, pageHeader, secretBox, table, toast, when,
} from '../ui.js';

const EVENTS = ['lead.created', 'lead.updated', 'lead.qualified', 'meeting.booked', 'meeting.rescheduled',
  'meeting.cancelled', 'lead.deleted', 'conversation.started', 'conversation.completed'];

export async function render(main, params, ctx) {
  if (params[0]) return renderWebhook(main, params[0], ctx);
  const list = h('div', { id: 'webhook-list' });
  const secret = h('div', { id: 'webhook-secret' });
  main.append(pageHeader('Webhooks'), createForm(secret, () => refresh()), secret,
    h('section', { class: 'card' }, h('h2', { text: 'Endpoints' }), list));
  async function refresh() {
    const { webhooks } = await get('/api/admin/webhooks?limit=500');
    if (!ctx.current()) return;
    list.replaceChildren(table([
      ['URL', (w) => h('a', { href: `#/webhooks/${w.id}`, class: 'webhook-link', text: w.url })],
      ['Events', (w) => w.events.join(', ')],
      ['State', (w) => (w.enabled ? badge('enabled') : h('span', { title: w.disabledReason || '' }, badge('disabled')))],
      ['Created', (w) => when(w.createdAt)],
    ], webhooks, 'No webhooks yet.'));
  }
  await refresh();
}

function eventsPicker(selected) {
  const all = h('input', { type: 'checkbox', value: '*', checked: selected.includes('*') });
  const boxes = EVENTS.map((e) => h('input', { type: 'checkbox', name: 'event', value: e, checked: selected.includes(e) }));
  const sync = () => boxes.forEach((b) => { b.disabled = all.checked; });
  all.addEventListener('change', sync);
  sync();
  const picker = h('fieldset', { class: 'events-picker' }, h('legend', { text: 'Events' }),
    h('label', { class: 'check' }, all, ' All events (*)'),
    boxes.map((b) => h('label', { class: 'check' }, b, ` ${b.value}`)));
  picker.selected = () => (all.checked ? ['*'] : boxes.filter((b) => b.checked).map((b) => b.value));
  return picker;
}

function createForm(secretSlot, done) {
  const url = h('input', {
    type: 'url', id: 'webhook-url', placeholder: 'https://example.com/hooks/synaptiq', required: true,
  });
  const description = h('input', { type: 'text', id: 'webhook-description' });
  const events = eventsPicker(['*']);
  const submit = h('button', { type: 'submit', class: 'primary', id: 'webhook-create', text: 'Create webhook' });
  const form = h('form', { class: 'card form', id: 'webhook-form' }, h('h2', { text: 'New webhook' }),
    field('Endpoint URL', url), field('Description', description), events, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { url: url.value.trim(), events: events.selected() };
    if (description.value.trim()) body.description = description.value.trim();
    const created = await attempt(() => post('/api/admin/webhooks', body), submit);
    if (!created) return;
    url.value = '';
    description.value = '';
    secretSlot.replaceChildren(secretBox('Signing secret', created.webhook.secret));
    toast('Webhook created', 'success');
    await done();
  });
  return form;
}

async function renderWebhook(main, id, ctx) {
  const { webhook: w } = await get(`/api/admin/webhooks/${encodeURIComponent(id)}`);
  if (!ctx.current()) return;
  const secret = h('div', { id: 'webhook-secret' });
  const testResult = h('div', { id: 'webhook-test-result' });
  const deliveries = h('div', { id: 'webhook-deliveries' });
  const reload = () => renderDeliveries(deliveries, w.id, ctx);

  const toggle = h('button', {
    type: 'button',
    id: 'webhook-toggle',
    class: 'ghost',
    text: w.enabled ? 'Disable' : 'Enable',
    onclick: async () => {
      const r = await attempt(() => patch(`/api/admin/webhooks/${w.id}`, { enabled: !w.enabled }), toggle);
      if (r) {
        Object.assign(w, r.webhook);
        toggle.textContent = w.enabled ? 'Disable' : 'Enable';
        state.replaceChildren(badge(w.enabled ? 'enabled' : 'disabled'));
        toast(w.enabled ? 'Webhook enabled' : 'Webhook disabled', 'success');
      }
    },
  });
  const test = h('button', {
    type: 'button',
    id: 'webhook-test',
    class: 'primary',
    text: 'Send test',
    onclick: async () => {
      const r = await attempt(() => post(`/api/admin/webhooks/${w.id}/test`), test);
      if (!r) return;
      testResult.replaceChildren(h('div', { class: 'card inset' }, h('h3', { text: 'Test delivery' }), deliveryDetail(r.delivery)));
      await reload();
    },
  });
  const rotate = h('button', {
    type: 'button',
    id: 'webhook-rotate',
    class: 'ghost',
    text: 'Rotate secret',
    onclick: async () => {
      if (!(await confirmDialog('Rotate the signing secret? Both secrets sign for the next 24 hours.', 'Rotate'))) return;
      const r = await attempt(() => post(`/api/admin/webhooks/${w.id}/rotate-secret`), rotate);
      if (r) secret.replaceChildren(secretBox('New signing secret', r.webhook.secret));
    },
  });
  const remove = h('button', {
    type: 'button',
    class: 'danger',
    text: 'Delete',
    onclick: async () => {
      if (!(await confirmDialog(`Delete the webhook to ${w.url}?`))) return;
      const ok = await attempt(() => del(`/api/admin/webhooks/${w.id}`).then(() => true), remove);
      if (ok) location.hash = '#/webhooks';
    },
  });
  const state = h('span', {}, badge(w.enabled ? 'enabled' : 'disabled'));
  const events = eventsPicker(w.events);
  const saveEvents = h('button', { type: 'submit', class: 'ghost', text: 'Save events' });
  const eventsForm = h('form', { class: 'form' }, events, saveEvents);
  eventsForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await attempt(() => patch(`/api/admin/webhooks/${w.id}`, { events: events.selected() }), saveEvents);
    if (r) toast('Events saved', 'success');
  });

  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/webhooks', text: '← Webhooks' })),
    pageHeader('Webhook', test, toggle, rotate, remove),
    h('section', { class: 'card' },
      h('p', { class: 'webhook-url' }, h('code', { text: w.url }), ' ', state),
      w.description ? h('p', { text: w.description }) : null,
      w.disabledReason ? h('p', { class: 'form-error', text: `Disabled: ${w.disabledReason}` }) : null,
      eventsForm),
    secret, testResult,
    replayForm(w.id, reload),
    h('section', { class: 'card' }, h('h2', { text: 'Deliveries' }), deliveries),
  );
  await reload();
}

function replayForm(id, done) {
  const since = h('input', { type: 'datetime-local', id: 'replay-since' });
  since.value = new Date(Date.now() - 86400000 - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const status = h('select', { id: 'replay-status' }, ['dropped', 'delivered', 'all'].map((s) => h('option', { value: s, text: s })));
  const go = h('button', { type: 'submit', class: 'ghost', text: 'Replay' });
  const form = h('form', { class: 'card form' }, h('h2', { text: 'Replay' }),
    h('p', { class: 'muted', text: 'Sends past deliveries again (same delivery ids), e.g. after an outage of the receiver.' }),
    h('div', { class: 'row' }, field('Since', since), field('Status', status)), h('div', { class: 'actions' }, go));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const when0 = new Date(since.value);
    if (Number.isNaN(when0.getTime())) {
      toast('since: choose a date and time', 'error');
      return;
    }
    const r = await attempt(() => post(`/api/admin/webhooks/${id}/replay`, { since: when0.toISOString(), status: status.value }), go);
    if (r) {
      toast(`${r.replayed} deliveries queued again`, 'success');
      await done();
    }
  });
  return form;
}

async function renderDeliveries(slot, id, ctx) {
  const { deliveries } = await get(`/api/admin/webhooks/${id}/deliveries${query({ limit: 50 })}`);
  if (!ctx.current()) return;
  slot.replaceChildren(deliveries.length ? h('ul', { class: 'deliveries' }, deliveries.map((d) => {
    const detail = h('div', { class: 'delivery-detail' });
    const item = h('details', { class: 'delivery', 'data-id': d.id },
      h('summary', {}, h('code', { text: d.event }), ' ', badge(d.status),
        ` · ${d.attemptCount} attempt${d.attemptCount === 1 ? '' : 's'}`,
        d.lastStatusCode ? ` · HTTP ${d.lastStatusCode}` : '', ` · ${when(d.createdAt)}`),
      detail);
    item.addEventListener('toggle', async () => {
      if (!item.open) return;
      const r = await attempt(() => get(`/api/admin/webhook-deliveries/${d.id}`));
      if (r) detail.replaceChildren(deliveryDetail(r.delivery, () => renderDeliveries(slot, id, ctx)));
    });
    return h('li', {}, item);
  })) : h('p', { class: 'empty', text: 'No deliveries yet.' }));
}

function deliveryDetail(d, refresh) {
  const retry = h('button', {
    type: 'button',
    class: 'ghost small',
    text: 'Retry now',
    onclick: async () => {
      const r = await attempt(() => post(`/api/admin/webhook-deliveries/${d.id}/retry`), retry);
      if (r) {
        toast('Delivery queued again', 'success');
        if (refresh) await refresh();
      }
    },
  });
  return h('div', { class: 'delivery-body' },
    h('p', {}, h('code', { text: d.event }), ' ', badge(d.status), ` · delivery ${d.id}`,
      d.nextAttemptAt ? ` · next attempt ${when(d.nextAttemptAt)}` : ''),
    table([
      ['#', (a) => String(a.number)],
      ['Time', (a) => when(a.startedAt)],
      ['Status', (a) => (a.statusCode ? `HTTP ${a.statusCode}` : '—')],
      ['Error', (a) => a.error || '—'],
      ['Duration', (a) => `${a.durationMs} ms`],
      ['Response', (a) => (a.responseBody ? h('code', { class: 'clip', text: a.responseBody }) : '—')],
    ], d.attempts || [], 'No attempt yet: it is queued.'),
    d.payload ? h('details', {}, h('summary', { text: 'Payload' }), h('pre', { text: JSON.stringify(d.payload, null, 2) })) : null,
    h('div', { class: 'actions' }, retry));
}
