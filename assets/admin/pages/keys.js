// API keys of the current tenant: create (the key is shown once), list, revoke.

import { del, get, post } from '../api.js';
import {
  attempt, badge, confirmDialog, field, h, pageHeader, secretBox, table, toast, when,
} from '../ui.js';

export async function render(main, params, ctx) {
  const name = h('input', {
    type: 'text', id: 'key-name', required: true, placeholder: 'e.g. CRM sync',
  });
  const tier = h('select', { id: 'key-tier' }, ['free', 'pro', 'enterprise'].map((t) => h('option', { value: t, text: t })));
  const create = h('button', { type: 'submit', class: 'primary', id: 'key-create', text: 'Create key' });
  const shown = h('div', { id: 'key-secret' });
  const list = h('div', { id: 'key-list' });
  const form = h('form', { class: 'card form', id: 'key-form' }, h('h2', { text: 'New API key' }),
    h('div', { class: 'row' }, field('Name', name), field('Tier', tier)), h('div', { class: 'actions' }, create));
  main.append(pageHeader('API keys'), form, shown, h('section', { class: 'card' }, h('h2', { text: 'Keys' }), list));

  async function refresh() {
    const { apiKeys } = await get('/api/admin/api-keys');
    if (!ctx.current()) return;
    list.replaceChildren(table([
      ['Name', (k) => k.name],
      ['Key', (k) => h('code', { text: `${k.prefix}…` })],
      ['Tier', (k) => k.tier],
      ['Created', (k) => when(k.createdAt)],
      ['Last used', (k) => when(k.lastUsedAt)],
      ['State', (k) => (k.revokedAt ? badge('revoked') : badge('active'))],
      ['', (k) => (k.revokedAt ? '' : revokeButton(k, refresh))],
    ], apiKeys, 'No keys yet.'));
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await attempt(() => post('/api/admin/api-keys', { name: name.value.trim(), tier: tier.value }), create);
    if (!r) return;
    name.value = '';
    shown.replaceChildren(secretBox('API key', r.key));
    toast('Key created', 'success');
    await refresh();
  });
  await refresh();
}

function revokeButton(key, done) {
  const button = h('button', {
    type: 'button',
    class: 'danger small',
    text: 'Revoke',
    'data-key': key.id,
    onclick: async () => {
      if (!(await confirmDialog(`Revoke “${key.name}”? Scripts using it stop working within a second.`, 'Revoke'))) return;
      const ok = await attempt(() => del(`/api/admin/api-keys/${key.id}`).then(() => true), button);
      if (ok) {
        toast('Key revoked', 'success');
        await done();
      }
    },
  });
  return button;
}
