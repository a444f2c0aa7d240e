// Meetings: every booked and cancelled meeting by start time, and the table a lead's page
// shows too, where a meeting is moved to another free slot or cancelled. Times are shown
// in the tenant's zone, the one its availability is set in.

import { del, download, get, post, query } from '../api.js';
import {
  attempt, badge, confirmDialog, h, pageHeader, table, toast,
} from '../ui.js';

export async function render(main, params, ctx) {
  const zone = await tenantZone();
  if (!ctx.current()) return;
  const range = h('select', { id: 'meeting-range', 'aria-label': 'Which meetings' },
    h('option', { value: 'upcoming', text: 'From today' }), h('option', { value: 'all', text: 'All' }));
  const results = h('div', { id: 'meeting-results' });
  const more = h('button', { type: 'button', id: 'meeting-more', class: 'ghost', text: 'Load more', hidden: true });
  main.append(pageHeader('Meetings'), h('p', { class: 'muted', text: `Times in ${zone}, the zone of your availability settings.` }),
    h('div', { class: 'toolbar' }, range), results, h('div', { class: 'pager' }, more));
  let rows = [];
  let cursor = null;
  async function load(reset) {
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const from = range.value === 'upcoming' ? today.toISOString() : null;
    try {
      const page = await get(`/api/meetings${query({ from, cursor: reset ? null : cursor, limit: 50 })}`);
      if (!ctx.current()) return;
      rows = reset ? page.meetings : rows.concat(page.meetings);
      cursor = page.nextCursor || null;
      results.replaceChildren(meetingsTable(rows, zone, { showLead: true, empty: 'No meetings yet: the agent books them in the chat.' }));
      more.hidden = !cursor;
    } catch (e) {
      toast(e.message, 'error');
    }
  }
  range.addEventListener('change', () => load(true));
  more.addEventListener('click', () => load(false));
  await load(true);
}

// The tenant's IANA zone; the browser's when settings cannot be read.
export async function tenantZone() {
  try {
    return (await get('/api/admin/settings')).settings.availability.timezone;
  } catch (e) {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  }
}

// "Tue 3 Mar, 10:30" in `zone`.
export function inZone(iso, zone) {
  return new Intl.DateTimeFormat(undefined, {
    timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
  }).format(new Date(iso));
}

// Re-renders the current page, so everything a change touched (the lead's status) is fresh.
function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

// Meetings with their calendar file and, while booked, Move and Cancel.
export function meetingsTable(meetings, zone, options) {
  const columns = [
    ['Starts', (m) => h('time', { class: 'meeting-start', datetime: m.startsAt, text: inZone(m.startsAt, zone) })],
    ['Ends', (m) => h('time', { datetime: m.endsAt, text: inZone(m.endsAt, zone) })],
    ['Status', (m) => badge(m.status)],
  ];
  if (options.showLead) {
    columns.push(['Lead', (m) => h('a', { href: `#/leads/${m.leadId}`, text: 'view lead' })]);
  }
  columns.push(['Actions', (m) => actions(m, zone)]);
  return table(columns, meetings, options.empty || 'No meetings booked.');
}

function actions(meeting, zone) {
  const ics = h('button', { type: 'button', class: 'link', text: '.ics' });
  ics.addEventListener('click', () => attempt(() => download(`/api/meetings/${meeting.id}.ics`, `meeting-${meeting.id}.ics`), ics));
  if (meeting.status !== 'booked') return h('div', { class: 'row-actions' }, ics);
  const move = h('button', { type: 'button', class: 'ghost meeting-move', text: 'Move', 'data-meeting': meeting.id });
  move.addEventListener('click', async () => {
    if (await moveDialog(meeting, zone)) {
      toast('Meeting moved', 'success');
      reload();
    }
  });
  const cancel = h('button', { type: 'button', class: 'danger meeting-cancel', text: 'Cancel', 'data-meeting': meeting.id });
  cancel.addEventListener('click', async () => {
    const question = `Cancel the meeting of ${inZone(meeting.startsAt, zone)} (${zone})? Its time becomes free for others.`;
    if (!(await confirmDialog(question, 'Cancel meeting', 'Keep it'))) return;
    const done = await attempt(() => del(`/api/meetings/${meeting.id}`).then(() => true), cancel);
    if (done) {
      toast('Meeting cancelled', 'success');
      reload();
    }
  });
  return h('div', { class: 'row-actions' }, ics, move, cancel);
}

// A dialog offering the next free slots (and later ones on request); resolves to the moved
// meeting, or null when closed without moving.
function moveDialog(meeting, zone) {
  return new Promise((resolve) => {
    let moved = null;
    let last = null;
    const list = h('ul', { class: 'slot-list', id: 'move-slots', 'aria-live': 'polite' });
    const later = h('button', { type: 'button', class: 'ghost', id: 'move-later', text: 'Later times' });
    const close = h('button', { type: 'button', class: 'ghost', text: 'Close' });
    const dialog = h('dialog', { class: 'confirm move-meeting', 'aria-labelledby': 'move-title' },
      h('h2', { id: 'move-title', text: 'Move the meeting' }),
      h('p', { class: 'muted', text: `Now ${inZone(meeting.startsAt, zone)}. Free times in ${zone}:` }),
      list,
      h('div', { class: 'actions' }, later, close));
    async function choose(slot, button) {
      const result = await attempt(() => post(`/api/meetings/${meeting.id}/reschedule`, { startsAt: slot.startsAt }), button);
      if (result) {
        moved = result.meeting;
        dialog.close();
      }
    }
    async function load() {
      const from = last ? new Date(new Date(last).getTime() + 1).toISOString() : null;
      const page = await attempt(() => get(`/api/meetings/slots${query({ from, limit: 8 })}`), later);
      if (!page) return;
      for (const slot of page.slots) {
        const button = h('button', {
          type: 'button', class: 'slot', 'data-starts-at': slot.startsAt, text: inZone(slot.startsAt, zone),
        });
        button.addEventListener('click', () => choose(slot, button));
        list.append(h('li', {}, button));
        last = slot.startsAt;
      }
      later.hidden = page.slots.length < 8;
      if (!list.children.length) list.append(h('li', { class: 'empty', text: 'No free time within the booking horizon.' }));
    }
    later.addEventListener('click', load);
    close.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(moved);
    });
    document.body.append(dialog);
    dialog.showModal();
    load();
  });
}
