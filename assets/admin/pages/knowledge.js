// Knowledge base: drag-and-drop or picked uploads with progress, the document list, the
// extracted text, replace, delete, and a "test a question" box showing the chunks found.

import {
  del, get, query, upload,
} from '../api.js';
import {
  attempt, bytes, confirmDialog, field, h, pageHeader, table, toast, when,
} from '../ui.js';

const TYPES = ['faq', 'article', 'product', 'policy', 'other'];

export async function render(main, params, ctx) {
  if (params[0]) return renderDocument(main, params[0], ctx);
  const list = h('div', { id: 'kb-list' });
  main.append(pageHeader('Knowledge base'), uploader(() => refresh()), tester(), h('section', { class: 'card' }, h('h2', { text: 'Documents' }), list));

  async function refresh() {
    const { documents } = await get('/api/admin/knowledge-base?limit=500');
    if (!ctx.current()) return;
    list.replaceChildren(table([
      ['Title', (d) => h('a', { href: `#/knowledge/${d.id}`, class: 'kb-link', text: d.title })],
      ['Type', (d) => d.type],
      ['Format', (d) => d.format],
      ['Size', (d) => bytes(d.sizeBytes)],
      ['Chunks', (d) => String(d.chunkCount)],
      ['Added', (d) => when(d.createdAt)],
      ['', (d) => h('div', { class: 'row-actions' }, replaceButton(d, refresh), deleteButton(d, refresh))],
    ], documents, 'No documents yet: upload FAQs, product sheets or policies for the agent to answer from.'));
  }
  await refresh();
}

function uploader(done) {
  const file = h('input', {
    type: 'file', id: 'kb-file', class: 'sr-only', accept: '.pdf,.docx,.txt,.md,.markdown,.html,.htm',
  });
  const title = h('input', { type: 'text', id: 'kb-title', placeholder: 'From the file name' });
  const type = h('select', { id: 'kb-type' }, TYPES.map((t) => h('option', { value: t, text: t, selected: t === 'other' })));
  const progress = h('progress', { id: 'kb-progress', max: 100, value: 0, hidden: true });
  const status = h('p', { id: 'kb-upload-status', class: 'muted', role: 'status' });
  const zone = h('label', { class: 'dropzone', for: 'kb-file', id: 'kb-drop' },
    h('strong', { text: 'Drop a file here' }), h('span', { text: ' or click to choose one' }),
    h('span', { class: 'hint', text: 'PDF, DOCX, TXT, Markdown or HTML, up to 25 MiB' }));

  async function send(picked) {
    if (!picked) return;
    const form = new FormData();
    form.append('file', picked, picked.name);
    if (title.value.trim()) form.append('title', title.value.trim());
    form.append('type', type.value);
    progress.hidden = false;
    progress.value = 0;
    status.textContent = `Uploading ${picked.name}…`;
    try {
      const result = await upload('POST', '/api/admin/knowledge-base', form, (p) => {
        progress.value = Math.round(p * 100);
        if (p >= 1) status.textContent = `Extracting and indexing ${picked.name}…`;
      });
      progress.value = 100;
      status.textContent = `Added “${result.document.title}”: ${result.document.chunkCount} chunk${result.document.chunkCount === 1 ? '' : 's'} indexed.`;
      title.value = '';
      await done();
    } catch (e) {
      status.textContent = '';
      toast(e.message, 'error');
    } finally {
      file.value = '';
      setTimeout(() => { progress.hidden = true; }, 800);
    }
  }
  file.addEventListener('change', () => send(file.files[0]));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    send(e.dataTransfer.files[0]);
  });
  return h('section', { class: 'card' }, h('h2', { text: 'Upload' }),
    h('div', { class: 'row' }, field('Title (optional)', title), field('Type', type)),
    file, zone, progress, status);
}

function tester() {
  const q = h('input', { type: 'search', id: 'kb-question', placeholder: 'e.g. How much does it cost?', 'aria-label': 'Question' });
  const ask = h('button', { type: 'submit', class: 'primary', id: 'kb-ask', text: 'Search' });
  const results = h('div', { id: 'kb-results' });
  const form = h('form', { class: 'inline-form' }, q, ask);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!q.value.trim()) return;
    const found = await attempt(() => get(`/api/admin/knowledge-base/search${query({ q: q.value.trim(), limit: 5 })}`), ask);
    if (!found) return;
    results.replaceChildren(found.results.length
      ? h('ol', { class: 'chunks' }, found.results.map((c) => h('li', { class: 'chunk' },
        h('div', { class: 'chunk-meta' }, h('a', { href: `#/knowledge/${c.documentId}`, text: c.title }),
          c.heading ? ` › ${c.heading}` : '', h('span', { class: 'score-pill', text: `score ${c.score.toFixed(2)}` })),
        c.answer ? h('p', { class: 'chunk-answer' }, h('strong', { text: 'Answer: ' }), c.answer) : null,
        h('p', { class: 'chunk-text', text: c.text }))))
      : h('p', { class: 'empty', text: 'Nothing in the knowledge base matches: the agent would say it does not know.' }));
  });
  return h('section', { class: 'card' }, h('h2', { text: 'Test a question' }),
    h('p', { class: 'muted', text: 'The chunks the agent would answer from, best first.' }), form, results);
}

function replaceButton(doc, done) {
  const picker = h('input', { type: 'file', class: 'sr-only', accept: '.pdf,.docx,.txt,.md,.markdown,.html,.htm' });
  const button = h('button', { type: 'button', class: 'ghost small', text: 'Replace', onclick: () => picker.click() });
  picker.addEventListener('change', async () => {
    const form = new FormData();
    form.append('file', picker.files[0], picker.files[0].name);
    form.append('title', doc.title);
    form.append('type', doc.type);
    const ok = await attempt(() => upload('PUT', `/api/admin/knowledge-base/${doc.id}`, form), button);
    if (ok) {
      toast(`Replaced “${doc.title}”`, 'success');
      await done();
    }
  });
  return h('span', {}, picker, button);
}

function deleteButton(doc, done) {
  const button = h('button', {
    type: 'button',
    class: 'danger small',
    text: 'Delete',
    onclick: async () => {
      if (!(await confirmDialog(`Delete “${doc.title}”? The agent stops using it at once.`))) return;
      const ok = await attempt(() => del(`/api/admin/knowledge-base/${doc.id}`).then(() => true), button);
      if (ok) await done();
    },
  });
  return button;
}

async function renderDocument(main, id, ctx) {
  const { document: d } = await get(`/api/admin/knowledge-base/${encodeURIComponent(id)}`);
  if (!ctx.current()) return;
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/knowledge', text: '← Knowledge base' })),
    pageHeader(d.title, deleteButton(d, async () => { location.hash = '#/knowledge'; })),
    h('section', { class: 'card' },
      h('p', { class: 'muted', text: `${d.type} · ${d.format} · ${bytes(d.sizeBytes)} · ${d.chunkCount} chunks · added ${when(d.createdAt)}` }),
      h('h2', { text: 'Extracted text' }),
      h('pre', { class: 'extracted', id: 'kb-text', text: d.text || '' })),
  );
}

