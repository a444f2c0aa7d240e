// Analytics: overview cards, the funnel, 30 days of activity, sources and the score
// histogram, drawn as SVG here (no chart library).

import { get } from '../api.js';
import { h, pageHeader, STATUSES, svg } from '../ui.js';

export async function render(main, params, ctx) {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const [overview, funnel, activity, sources, scores] = await Promise.all([
    get('/api/analytics/overview'),
    get('/api/analytics/funnel'),
    get(`/api/analytics/activity?days=30&tz=${encodeURIComponent(tz)}`).catch(() => get('/api/analytics/activity?days=30')),
    get('/api/analytics/sources'),
    get('/api/analytics/scores'),
  ]);
  if (!ctx.current()) return;
  main.append(pageHeader('Analytics'),
    h('div', { class: 'cards', id: 'overview' },
      card('Leads', overview.totalLeads),
      card('Conversations', overview.totalConversations),
      card('Messages per conversation', overview.avgMessagesPerConversation.toFixed(1)),
      card('Conversion', `${overview.conversionRate.toFixed(1)}%`)),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', { text: 'Funnel' }), bars(STATUSES.map((s) => [s, funnel.funnel[s] || 0]), 'funnel-chart')),
      h('section', { class: 'card' }, h('h2', { text: 'Sources' }), bars(Object.entries(sources.sources), 'sources-chart'))),
    h('section', { class: 'card' }, h('h2', { text: `New leads, last ${activity.activity.length} days` }), columns(activity.activity.map((d) => [d.date, d.count]), 'activity-chart', (label) => label.slice(5))),
    h('section', { class: 'card' }, h('h2', { text: 'Qualification scores' }), columns(scores.scores.map((b) => [`${b.min}–${b.max}`, b.count]), 'scores-chart', (label) => label)));
}

function card(label, value) {
  return h('div', { class: 'card stat' }, h('div', { class: 'stat-value', text: String(value) }), h('div', { class: 'stat-label', text: label }));
}

// Horizontal bars with their labels and counts.
function bars(data, id) {
  const max = Math.max(1, ...data.map(([, v]) => v));
  const row = 30;
  const height = data.length * row;
  return svg('svg', {
    viewBox: `0 0 400 ${height}`, class: 'chart', id, role: 'img', 'aria-label': data.map(([k, v]) => `${k}: ${v}`).join(', '),
  }, data.map(([label, value], i) => svg('g', { transform: `translate(0 ${i * row})` },
    svg('text', { x: 0, y: 19, class: 'chart-label' }, label),
    svg('rect', { x: 110, y: 6, width: 240, height: 18, rx: 4, class: 'bar-bg' }),
    svg('rect', { x: 110, y: 6, width: Math.max(value ? 3 : 0, (240 * value) / max), height: 18, rx: 4, class: 'bar' }),
    svg('text', { x: 358, y: 19, class: 'chart-value' }, String(value)))));
}

// Vertical columns (a time series or a histogram) with a few x labels and a max line.
function columns(data, id, short) {
  const max = Math.max(1, ...data.map(([, v]) => v));
  const width = 860;
  const height = 200;
  const top = 14;
  const bottom = 24;
  const plot = height - top - bottom;
  const step = width / Math.max(1, data.length);
  const every = Math.ceil(data.length / 8);
  return svg('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart', id, role: 'img', 'aria-label': data.map(([k, v]) => `${k}: ${v}`).join(', '),
  },
  svg('line', { x1: 0, x2: width, y1: top, y2: top, class: 'grid' }),
  svg('text', { x: 2, y: top - 3, class: 'chart-value' }, `max ${max}`),
  svg('line', { x1: 0, x2: width, y1: top + plot, y2: top + plot, class: 'axis' }),
  data.map(([label, value], i) => {
    const barHeight = (plot * value) / max;
    return svg('g', {},
      svg('rect', {
        x: i * step + step * 0.15, y: top + plot - barHeight, width: step * 0.7, height: barHeight, rx: 2, class: 'bar',
      }, svg('title', {}, `${label}: ${value}`)),
      i % every === 0 ? svg('text', {
        x: i * step + step / 2, y: height - 6, class: 'chart-label', 'text-anchor': 'middle',
      }, short(label)) : null);
  }));
}
