// Settings: the widget's look and greeting (with a live preview of the real widget), the
// qualification questions and scoring rules, and meeting availability.

import { get, patch, tenant } from '../api.js';
import { attempt, field, h, pageHeader, toast } from '../ui.js';

const FIELDS = ['need', 'companySize', 'role', 'budget', 'timeline'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export async function render(main, params, ctx) {
  const { settings: s } = await get('/api/admin/settings');
  if (!ctx.current()) return;
  let saved = s;
  const input = (id, value, type) => h('input', { id, type: type || 'text', value: value === undefined || value === null ? '' : String(value) });

  // Appearance
  const agentName = input('set-agent-name', s.agentName);
  const companyName = input('set-company-name', s.companyName);
  const greeting = h('textarea', { id: 'set-greeting', rows: 3 });
  greeting.value = s.greeting;
  const accent = input('set-accent', s.accentColor, 'color');
  const accentText = input('set-accent-text', s.accentColor);
  const position = h('select', { id: 'set-position' }, ['bottom-right', 'bottom-left'].map((p) => h('option', { value: p, text: p, selected: p === s.position })));
  const origins = h('textarea', { id: 'set-origins', rows: 2, placeholder: 'https://www.example.com (one per line; empty = any site)' });
  origins.value = (s.allowedOrigins || []).join('\n');
  const frame = h('iframe', {
    id: 'widget-preview', title: 'Widget preview', class: 'preview-frame', src: previewUrl(),
  });
  accent.addEventListener('input', () => {
    accentText.value = accent.value;
    livePreview({ accentColor: accent.value });
  });
  accentText.addEventListener('input', () => {
    if (/^#[0-9a-f]{6}$/i.test(accentText.value)) accent.value = accentText.value;
    livePreview({ accentColor: accentText.value });
  });
  greeting.addEventListener('input', () => livePreview({ greeting: greeting.value }));
  function livePreview(change) {
    if (frame.contentWindow) frame.contentWindow.postMessage({ synaptiqPreview: change }, location.origin);
  }

  // Qualification
  const questions = h('div', { id: 'set-questions', class: 'questions' });
  const addQuestion = (q) => {
    const row = h('div', { class: 'question-row' },
      h('select', { class: 'q-field', 'aria-label': 'Field' }, FIELDS.map((f) => h('option', { value: f, text: f, selected: f === q.field }))),
      h('input', { type: 'text', class: 'q-text', value: q.question, 'aria-label': 'Question' }),
      h('button', { type: 'button', class: 'ghost small', text: 'Remove', onclick: () => row.remove() }));
    questions.append(row);
  };
  s.qualificationQuestions.forEach(addQuestion);
  const scoring = h('textarea', {
    id: 'set-scoring', rows: 14, class: 'code', spellcheck: 'false',
  });
  scoring.value = JSON.stringify(s.scoring, null, 2);

  // Availability
  const a = s.availability;
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const timezone = h('input', { id: 'set-timezone', list: 'tz-list', value: a.timezone });
  const days = DAYS.map((d) => h('input', { type: 'checkbox', value: d, checked: a.weekdays.includes(d) }));
  const start = input('set-start', a.startTime, 'time');
  const end = input('set-end', a.endTime, 'time');
  const slot = input('set-slot', a.slotMinutes, 'number');
  const notice = input('set-notice', a.minimumNoticeMinutes, 'number');
  const horizon = input('set-horizon', a.horizonDays, 'number');

  const save = h('button', { type: 'submit', class: 'primary', id: 'settings-save', text: 'Save settings' });
  const form = h('form', { id: 'settings-form', class: 'settings' },
    h('div', { class: 'grid-2' },
      h('section', { class: 'card form' }, h('h2', { text: 'Widget' }),
        h('div', { class: 'row' }, field('Agent name', agentName), field('Company name', companyName)),
        field('Greeting', greeting, 'The first message visitors see.'),
        h('div', { class: 'row' }, field('Accent color', h('div', { class: 'color-pair' }, accent, accentText)), field('Position', position)),
        field('Allowed origins', origins, 'Sites allowed to embed the widget; empty allows any.')),
      h('section', { class: 'card preview' }, h('h2', { text: 'Preview' }),
        h('p', { class: 'muted', text: 'The real widget, with this tenant’s saved settings (colour and greeting update as you type).' }), frame)),
    h('section', { class: 'card form' }, h('h2', { text: 'Qualification questions' }), questions,
      h('button', { type: 'button', class: 'ghost small', text: 'Add question', onclick: () => addQuestion({ field: 'need', question: '' }) })),
    h('section', { class: 'card form' }, h('h2', { text: 'Scoring rules' }),
      h('p', { class: 'muted', text: 'rules: [{field, operator (atLeast, atMost, present…), value, points, reason}], qualifiedAt, disqualifiedBelow.' }), scoring),
    h('section', { class: 'card form' }, h('h2', { text: 'Meeting availability' }),
      field('Timezone', timezone), h('datalist', { id: 'tz-list' }, zones.map((z) => h('option', { value: z }))),
      h('fieldset', { class: 'days' }, h('legend', { text: 'Weekdays' }), days.map((d) => h('label', { class: 'check' }, d, ` ${d.value}`))),
      h('div', { class: 'row' }, field('From', start), field('To', end)),
      h('div', { class: 'row' }, field('Slot (minutes)', slot), field('Notice (minutes)', notice), field('Horizon (days)', horizon))),
    h('div', { class: 'actions sticky-actions' }, save));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let scoringValue;
    try {
      scoringValue = JSON.parse(scoring.value);
    } catch (err) {
      toast(`scoring: not valid JSON (${err.message})`, 'error');
      return;
    }
    const body = {
      agentName: agentName.value,
      companyName: companyName.value,
      greeting: greeting.value,
      accentColor: accentText.value.trim(),
      position: position.value,
      allowedOrigins: origins.value.split('\n').map((o) => o.trim()).filter(Boolean),
      qualificationQuestions: [...questions.querySelectorAll('.question-row')].map((row) => ({
        field: row.querySelector('.q-field').value, question: row.querySelector('.q-text').value,
      })),
      scoring: scoringValue,
      availability: {
        timezone: timezone.value.trim(),
        weekdays: days.filter((d) => d.checked).map((d) => d.value),
        startTime: start.value,
        endTime: end.value,
        slotMinutes: Number(slot.value),
        minimumNoticeMinutes: Number(notice.value),
        horizonDays: Number(horizon.value),
      },
    };
    // Only what changed: an untouched field can never be the reason a save fails.
    for (const key of Object.keys(body)) {
      if (JSON.stringify(body[key]) === JSON.stringify(saved[key])) delete body[key];
    }
    if (!Object.keys(body).length) {
      toast('Nothing changed', 'info');
      return;
    }
    const r = await attempt(() => patch('/api/admin/settings', body), save);
    if (!r) return;
    saved = r.settings;
    toast('Settings saved', 'success');
    frame.src = previewUrl();
    await ctx.applyAccent(r.settings.accentColor);
  });
  main.append(pageHeader('Settings'), form);
}

function previewUrl() {
  return `/admin/preview.html?tenant=${encodeURIComponent(tenant())}&t=${Date.now()}`;
}
