// Leads: search-as-you-type, status filter, pages by cursor; a lead's detail with its
// score and reasons, possible matches to merge, conversations with transcripts, meetings,
// edit and delete.

import {
  del, download, get, patch, post, query,
} from '../api.js';
import {
  attempt, badge, confirmDialog, field, h, pageHeader, STATUSES, table, toast, transcript, when,
} from '../ui.js';
import { meetingsTable, tenantZone } from './meetings.js';

export async function render(main, params, ctx) {
  if (params[0]) return renderLead(main, params[0], ctx);
  return renderList(main, ctx);
}

async function renderList(main, ctx) {
  const search = h('input', {
    type: 'search', id: 'lead-search', placeholder: 'Search name, email or company…', 'aria-label': 'Search leads', autocomplete: 'off',
  });
  const status = h('select', { id: 'lead-status', 'aria-label': 'Status' },
    h('option', { value: '', text: 'All statuses' }), STATUSES.map((s) => h('option', { value: s, text: s })));
  const exportButton = h('button', {
    type: 'button',
    id: 'lead-export',
    class: 'ghost',
    text: 'Export CSV',
    onclick: () => attempt(() => download(`/api/leads/export.csv${query({ q: search.value.trim(), status: status.value })}`, 'leads.csv'), exportButton),
  });
  const results = h('div', { id: 'lead-results' });
  const more = h('button', { type: 'button', id: 'lead-more', class: 'ghost', text: 'Load more', hidden: true });
  main.append(pageHeader('Leads', exportButton), h('div', { class: 'toolbar' }, search, status), results, h('div', { class: 'pager' }, more));

  let rows = [];
  let cursor = null;
  let seq = 0;
  const columns = [
    ['Name', (l) => h('a', { href: `#/leads/${l.id}`, class: 'lead-link', text: l.name || '(no name)' })],
    ['Email', (l) => l.email],
    ['Company', (l) => l.company || '—'],
    ['Status', (l) => badge(l.status)],
    ['Score', (l) => String(l.qualificationScore)],
    ['Source', (l) => l.source],
    ['Created', (l) => when(l.createdAt)],
  ];
  async function load(reset) {
    const mine = ++seq;
    const q = query({
      q: search.value.trim(), status: status.value, cursor: reset ? null : cursor, limit: 25,
    });
    try {
      const page = await get(`/api/leads${q}`);
      if (mine !== seq || !ctx.current()) return;
      rows = reset ? page.leads : rows.concat(page.leads);
      cursor = page.nextCursor || null;
      results.replaceChildren(table(columns, rows, search.value || status.value ? 'No lead matches.' : 'No leads yet: they appear as visitors chat with the widget.'));
      more.hidden = !cursor;
      results.dataset.loaded = String(mine);
    } catch (e) {
      if (mine === seq) toast(e.message, 'error');
    }
  }
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(true), 150);
  });
  status.addEventListener('change', () => load(true));
  more.addEventListener('click', () => load(false));
  await load(true);
  search.focus();
}

async function renderLead(main, id, ctx) {
  const [{ lead, possibleMatches = [] }, convs, meetings, zone] = await Promise.all([
    get(`/api/leads/${encodeURIComponent(id)}`),
    get(`/api/leads/${encodeURIComponent(id)}/conversations?limit=20`),
    get(`/api/leads/${encodeURIComponent(id)}/meetings?limit=50`),
    tenantZone(),
  ]);
  if (!ctx.current()) return;
  const full = await Promise.all(convs.conversations.map((c) => get(`/api/conversations/${c.id}`).then((r) => r.conversation)));
  if (!ctx.current()) return;

  const remove = h('button', {
    type: 'button',
    class: 'danger',
    id: 'lead-delete',
    text: 'Delete lead',
    onclick: async () => {
      if (!(await confirmDialog(`Delete ${lead.name || lead.email} with all their conversations and meetings? This cannot be undone.`))) return;
      const done = await attempt(() => del(`/api/leads/${lead.id}`).then(() => true), remove);
      if (done) {
        toast('Lead deleted', 'info');
        location.hash = '#/leads';
      }
    },
  });
  const exportOne = h('button', {
    type: 'button', class: 'ghost', text: 'Export JSON', onclick: () => attempt(() => download(`/api/leads/${lead.id}/export`, `lead-${lead.id}.json`), exportOne),
  });
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/leads', text: '← Leads' })),
    pageHeader(lead.name || lead.email, exportOne, remove),
  );
  const reasons = lead.qualification && lead.qualification.reasons.length
    ? h('ul', { class: 'reasons', id: 'lead-reasons' }, lead.qualification.reasons.map((r) => h('li', { text: r })))
    : h('p', { class: 'empty', id: 'lead-reasons', text: 'Not scored yet.' });
  const scoreCard = h('section', { class: 'card score-card' },
    h('h2', { text: 'Qualification' }),
    h('div', { class: 'score-row' },
      h('div', { class: 'score', id: 'lead-score', text: String(lead.qualificationScore) }),
      h('div', {}, badge(lead.status), h('div', { class: 'muted', text: `source: ${lead.source}` }))),
    reasons);
  if (possibleMatches.length) main.append(matchesCard(lead, possibleMatches));
  main.append(h('div', { class: 'grid-2' }, editForm(lead), scoreCard));

  main.append(h('section', { class: 'card' }, h('h2', { text: `Conversations (${full.length})` }),
    full.length ? full.map((c) => h('details', { class: 'conversation', open: true },
      h('summary', {}, when(c.createdAt), ' · ', badge(c.status), ` · ${c.messageCount} messages`),
      c.summary ? h('p', { class: 'summary', text: c.summary }) : null,
      transcript(c.messages))) : h('p', { class: 'empty', text: 'No conversations.' })));

  main.append(h('section', { class: 'card', id: 'lead-meetings' }, h('h2', { text: 'Meetings' }),
    h('p', { class: 'muted', text: `Times in ${zone}.` }),
    meetingsTable(meetings.meetings, zone, { showLead: false })));
}

// Leads that may be this lead's person (a chat visitor gave the email one of them holds):
// open either, or merge the other into this one.
function matchesCard(lead, matches) {
  const row = (m) => {
    const merge = h('button', { type: 'button', class: 'ghost merge', text: 'Merge into this lead' });
    merge.addEventListener('click', async () => {
      const question = `Merge ${m.name} <${m.email}> into ${lead.name} <${lead.email}>? Its conversations and meetings move here and it is deleted.`;
      if (!(await confirmDialog(question, 'Merge'))) return;
      const done = await attempt(() => post(`/api/leads/${lead.id}/merge?refresh=wait_for`, { from: m.leadId }), merge);
      if (done) {
        toast('Leads merged', 'success');
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      }
    });
    return h('li', { class: 'possible-match' },
      h('a', { href: `#/leads/${m.leadId}`, text: `${m.name} <${m.email}>` }), ' ', badge(m.status),
      h('span', { class: 'muted', text: ` · same email, since ${when(m.since)} ` }), merge);
  };
  return h('section', { class: 'card notice', id: 'lead-matches' },
    h('h2', { text: 'Possible returning visitor' }),
    h('p', { class: 'muted', text: 'A chat visitor gave an email another lead holds. The chat never changes the other lead; merge the two if they are one person.' }),
    h('ul', {}, matches.map(row)));
}

function editForm(lead) {
  const input = (name, value, type) => h('input', { name, id: `lead-${name}`, type: type || 'text', value: value || '' });
  const status = h('select', { name: 'status', id: 'lead-status-edit' }, STATUSES.map((s) => h('option', { value: s, text: s, selected: s === lead.status })));
  const score = h('input', {
    name: 'qualificationScore', id: 'lead-score-edit', type: 'number', min: 0, max: 100, value: String(lead.qualificationScore),
  });
  const save = h('button', { type: 'submit', class: 'primary', id: 'lead-save', text: 'Save' });
  const form = h('form', { class: 'card form', id: 'lead-form', novalidate: true },
    h('h2', { text: 'Details' }),
    field('Name', input('name', lead.name)),
    field('Email', input('email', lead.email, 'email')),
    field('Phone', input('phone', lead.phone)),
    field('Company', input('company', lead.company)),
    h('div', { class: 'row' }, field('Status', status), field('Score', score)),
    h('p', { class: 'muted' }, `Created ${when(lead.createdAt)} · updated `, h('span', { id: 'lead-updated', text: when(lead.updatedAt) })),
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = {};
    for (const key of ['name', 'email', 'phone', 'company', 'status']) {
      const value = String(data.get(key) || '').trim();
      if (value !== (lead[key] || '')) body[key] = value;
    }
    const n = Number(data.get('qualificationScore'));
    if (n !== lead.qualificationScore) body.qualificationScore = n;
    if (!Object.keys(body).length) {
      toast('Nothing changed', 'info');
      return;
    }
    const result = await attempt(() => patch(`/api/leads/${lead.id}?refresh=wait_for`, body), save);
    if (result) {
      Object.assign(lead, result.lead);
      form.querySelector('#lead-updated').textContent = when(lead.updatedAt);
      toast('Lead saved', 'success');
    }
  });
  return form;
}
