// Conversations: every chat, newest first, and a transcript viewer.

import { get, query } from '../api.js';
import {
  badge, h, pageHeader, table, toast, transcript, when,
} from '../ui.js';

export async function render(main, params, ctx) {
  if (params[0]) return renderOne(main, params[0], ctx);
  const status = h('select', { id: 'conversation-status', 'aria-label': 'Status' },
    h('option', { value: '', text: 'All' }), h('option', { value: 'active', text: 'active' }), h('option', { value: 'completed', text: 'completed' }));
  const results = h('div', { id: 'conversation-results' });
  const more = h('button', { type: 'button', class: 'ghost', text: 'Load more', hidden: true });
  main.append(pageHeader('Conversations'), h('div', { class: 'toolbar' }, status), results, h('div', { class: 'pager' }, more));
  let rows = [];
  let cursor = null;
  const columns = [
    ['Started', (c) => h('a', { href: `#/conversations/${c.id}`, class: 'conversation-link', text: when(c.createdAt) })],
    ['Lead', (c) => (c.leadId ? h('a', { href: `#/leads/${c.leadId}`, text: 'view lead' }) : h('span', { class: 'muted', text: 'anonymous' }))],
    ['Status', (c) => badge(c.status)],
    ['Messages', (c) => String(c.messageCount)],
    ['Summary', (c) => (c.handoff ? h('span', {}, h('span', { class: 'badge handoff', text: 'asked for a person' }), ' ', c.summary || '') : (c.summary || '—'))],
    ['Updated', (c) => when(c.updatedAt)],
  ];
  async function load(reset) {
    try {
      const page = await get(`/api/conversations${query({ status: status.value, cursor: reset ? null : cursor, limit: 25 })}`);
      if (!ctx.current()) return;
      rows = reset ? page.conversations : rows.concat(page.conversations);
      cursor = page.nextCursor || null;
      results.replaceChildren(table(columns, rows, 'No conversations yet.'));
      more.hidden = !cursor;
    } catch (e) {
      toast(e.message, 'error');
    }
  }
  status.addEventListener('change', () => load(true));
  more.addEventListener('click', () => load(false));
  await load(true);
}

async function renderOne(main, id, ctx) {
  const { conversation: c } = await get(`/api/conversations/${encodeURIComponent(id)}`);
  if (!ctx.current()) return;
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/conversations', text: '← Conversations' })),
    pageHeader(`Conversation of ${when(c.createdAt)}`),
    h('section', { class: 'card' },
      h('p', {}, badge(c.status), ` · ${c.messageCount} messages · ${c.channel} · `,
        c.leadId ? h('a', { href: `#/leads/${c.leadId}`, text: 'view lead' }) : 'no lead yet'),
      c.summary ? h('p', { class: 'summary', text: c.summary }) : null,
      c.handoff ? h('p', { class: 'handoff' }, h('strong', { text: 'Asked for a person' }), ` · ${when(c.handoff.requestedAt)}`) : null,
      c.context ? visitorContext(c.context) : null,
      transcript(c.messages)),
  );
}

// Where the visitor is: their local time and zone, language, pages and campaign.
function visitorContext(x) {
  const rows = [];
  if (x.timezone) {
    let local = '';
    try {
      local = new Date().toLocaleTimeString([], { timeZone: x.timezone, hour: 'numeric', minute: '2-digit' });
    } catch (e) { /* a zone this browser does not know */ }
    rows.push(['Local time', local ? `${local} (${x.timezone})` : x.timezone]);
  }
  if (x.locale) rows.push(['Language', x.locale]);
  if (x.pageUrl) rows.push(['Page', x.pageTitle ? `${x.pageTitle} — ${x.pageUrl}` : x.pageUrl]);
  if (x.referrer) rows.push(['Referrer', x.referrer]);
  const utm = Object.entries(x.utm || {}).map(([k, v]) => `${k}: ${v}`).join(', ');
  if (utm) rows.push(['Campaign', utm]);
  if ((x.pagesSeen || []).length > 1) rows.push(['Pages seen', x.pagesSeen.join('\n')]);
  return h('dl', { class: 'visitor-context' },
    ...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
}
