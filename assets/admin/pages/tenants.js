// Tenants: list, create, switch (the switch is also in the top bar).

import { get, post, tenant } from '../api.js';
import {
  attempt, field, h, pageHeader, table, toast, when,
} from '../ui.js';

export async function render(main, params, ctx) {
  const id = h('input', {
    type: 'text', id: 'tenant-id', required: true, pattern: '[a-z0-9-]{1,64}', placeholder: 'acme',
  });
  const name = h('input', { type: 'text', id: 'tenant-name', placeholder: 'Acme Inc.' });
  const create = h('button', { type: 'submit', class: 'primary', id: 'tenant-create', text: 'Create tenant' });
  const form = h('form', { class: 'card form', id: 'tenant-form', novalidate: true }, h('h2', { text: 'New tenant' }),
    h('p', { class: 'muted', text: 'One tenant per website or brand: its own leads, knowledge base, webhooks, keys and settings.' }),
    h('div', { class: 'row' }, field('Id', id, 'a-z, 0-9 and -; used in data-tenant'), field('Name', name)),
    h('div', { class: 'actions' }, create));
  const list = h('div', { id: 'tenant-list' });
  main.append(pageHeader('Tenants'), form, h('section', { class: 'card' }, h('h2', { text: 'Tenants' }), list));

  async function refresh() {
    const { tenants } = await get('/api/admin/tenants');
    if (!ctx.current()) return;
    list.replaceChildren(table([
      ['Id', (t) => h('code', { text: t.id })],
      ['Name', (t) => t.name || '—'],
      ['Created', (t) => when(t.createdAt)],
      ['', (t) => (t.id === tenant()
        ? h('span', { class: 'badge status-qualified', text: 'current' })
        : h('button', {
          type: 'button', class: 'ghost small', 'data-tenant': t.id, text: 'Switch', onclick: () => ctx.switchTenant(t.id),
        }))],
    ], tenants));
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { id: id.value.trim() };
    if (name.value.trim()) body.name = name.value.trim();
    const r = await attempt(() => post('/api/admin/tenants', body), create);
    if (!r) return;
    toast(`Tenant “${r.tenant.id}” created`, 'success');
    id.value = '';
    name.value = '';
    await ctx.switchTenant(r.tenant.id);
  });
  await refresh();
}
