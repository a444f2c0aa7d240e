// Small DOM helpers shared by the pages: element building, messages, dialogs, formatting.

// h('div', {class: 'x', onclick: fn}, child, 'text', [children]) → an element.
export function h(tag, attrs, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'value' && 'value' in el && !tag.startsWith('svg:')) el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function svg(tag, attrs, ...children) {
  return h(`svg:${tag}`, attrs, ...children);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// A message at the corner of the screen; errors stay until dismissed or replaced.
export function toast(message, kind) {
  const box = document.getElementById('toasts');
  const item = h('div', { class: `toast ${kind || 'info'}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'toast-text', text: message }),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', text: '×', onclick: () => item.remove() }));
  if (kind === 'error') box.querySelectorAll('.toast.error').forEach((t) => t.remove());
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 15000 : 4000);
}

// Runs an action; a failure shows the server's message. Returns the result or undefined.
export async function attempt(action, button) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (e) {
    toast(e.message, 'error');
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

// A modal confirmation (a <dialog>, so it is styled and testable, unlike window.confirm).
export function confirmDialog(message, action, keep) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm' },
      h('p', { text: message }),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'ghost', 'data-answer': 'no', text: keep || 'Cancel' }),
        h('button', { type: 'button', class: 'danger', 'data-answer': 'yes', text: action || 'Delete' })));
    dialog.addEventListener('click', (e) => {
      const answer = e.target.getAttribute && e.target.getAttribute('data-answer');
      if (answer) dialog.close(answer);
    });
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'yes');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export const STATUSES = ['new', 'qualifying', 'qualified', 'booked', 'disqualified', 'nurturing'];

export function badge(status) {
  return h('span', { class: `badge status-${status}`, text: status });
}

export function pageHeader(title, ...actions) {
  return h('div', { class: 'page-header' }, h('h1', { text: title }), h('div', { class: 'actions' }, actions));
}

// A table; `columns` are [heading, (row) => cell content]. Wide tables scroll on phones.
export function table(columns, rows, empty) {
  if (!rows.length) return h('p', { class: 'empty', text: empty || 'Nothing here yet.' });
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map(([name]) => h('th', { scope: 'col', text: name })))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([name, cell]) => h('td', { 'data-label': name }, cell(row))))))));
}

export function transcript(messages) {
  if (!messages || !messages.length) return h('p', { class: 'empty', text: 'No messages.' });
  return h('ol', { class: 'transcript' }, messages.map((m) =>
    h('li', { class: `msg ${m.role}` },
      h('div', { class: 'msg-meta' }, m.role === 'user' ? 'Visitor' : 'Agent', ' · ', when(m.createdAt)),
      h('div', { class: 'msg-body', text: m.content }))));
}

// Shows a secret once, with a copy button.
export function secretBox(label, value) {
  const input = h('input', { type: 'text', readonly: true, value, class: 'secret-value', 'aria-label': label });
  const copy = h('button', {
    type: 'button',
    class: 'copy',
    text: 'Copy',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(value);
      } catch (e) {
        input.select();
        document.execCommand('copy');
      }
      copy.textContent = 'Copied';
    },
  });
  return h('div', { class: 'secret-box', role: 'status' },
    h('p', {}, h('strong', { text: label }), ' — shown only once; copy it now.'),
    h('div', { class: 'secret-row' }, input, copy));
}

export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'label', text: label }), input,
    hint ? h('span', { class: 'hint', text: hint }) : null);
}
