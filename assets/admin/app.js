// The admin UI's shell: sign-in, the tenant switcher and a hash router that gives each
// page module the main area. Pages: `export async function render(main, params, ctx)`.

import { ApiError, del, get, post, setTenant, tenant } from './api.js';
import { attempt, toast } from './ui.js';
import * as leads from './pages/leads.js';
import * as conversations from './pages/conversations.js';
import * as meetings from './pages/meetings.js';
import * as knowledge from './pages/knowledge.js';
import * as webhooks from './pages/webhooks.js';
import * as analytics from './pages/analytics.js';
import * as settings from './pages/settings.js';
import * as keys from './pages/keys.js';
import * as tenants from './pages/tenants.js';

const ROUTES = {
  leads, conversations, meetings, knowledge, webhooks, analytics, settings, keys, tenants,
};

const $ = (id) => document.getElementById(id);
let renderCount = 0;

function showLogin(message) {
  $('shell').hidden = true;
  $('login').hidden = false;
  const error = $('login-error');
  error.hidden = !message;
  error.textContent = message || '';
  $('token').focus();
}

async function showShell() {
  await loadTenants();
  $('login').hidden = true;
  $('shell').hidden = false;
  await applyAccent();
  await route();
}

async function loadTenants() {
  const select = $('tenant-select');
  const { tenants: list } = await get('/api/admin/tenants');
  if (!list.some((t) => t.id === tenant())) setTenant('default');
  select.replaceChildren(...list.map((t) => {
    const option = document.createElement('option');
    option.value = t.id;
    option.textContent = t.name && t.name !== t.id ? `${t.name} (${t.id})` : t.id;
    option.selected = t.id === tenant();
    return option;
  }));
}

// The widget's accent color is the admin's accent color too.
export async function applyAccent(color) {
  let accent = color;
  if (!accent) {
    try {
      accent = (await get('/api/admin/settings')).settings.accentColor;
    } catch (e) {
      accent = null;
    }
  }
  if (accent && /^#[0-9a-f]{3,8}$/i.test(accent)) {
    document.documentElement.style.setProperty('--accent', accent);
  }
}

export async function switchTenant(id) {
  setTenant(id);
  await loadTenants();
  await applyAccent();
  await route();
  toast(`Now working on tenant “${id}”`, 'info');
}

function parseHash() {
  const parts = (location.hash.replace(/^#\/?/, '') || 'leads').split('/').map(decodeURIComponent);
  return { name: parts[0], params: parts.slice(1) };
}

async function route() {
  if ($('shell').hidden) return;
  const { name, params } = parseHash();
  const page = ROUTES[name] || leads;
  document.querySelectorAll('.sidenav a').forEach((a) => {
    if (a.dataset.route === name) {
      a.setAttribute('aria-current', 'page');
      // On phones the nav scrolls sideways: keep the current section in sight.
      a.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else {
      a.removeAttribute('aria-current');
    }
  });
  const main = $('main');
  const mine = ++renderCount;
  main.replaceChildren();
  main.dataset.page = name;
  main.setAttribute('aria-busy', 'true');
  const ctx = { current: () => mine === renderCount, switchTenant, applyAccent };
  try {
    await page.render(main, params, ctx);
  } catch (e) {
    if (mine === renderCount && !(e instanceof ApiError && e.status === 401)) toast(e.message, 'error');
  } finally {
    if (mine === renderCount) main.removeAttribute('aria-busy');
  }
}

async function login(event) {
  event.preventDefault();
  const button = event.target.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await post('/api/admin/auth', { token: $('token').value });
    $('token').value = '';
    await showShell();
  } catch (e) {
    showLogin(e.message);
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  await attempt(() => del('/api/admin/auth'));
  showLogin('');
}

async function start() {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('tenant-select').addEventListener('change', (e) => switchTenant(e.target.value));
  window.addEventListener('hashchange', route);
  window.addEventListener('admin:unauthorized', () => {
    if (!$('shell').hidden) showLogin('Your session has ended. Sign in again.');
  });
  try {
    await showShell();
  } catch (e) {
    showLogin(e instanceof ApiError && e.status === 401 ? '' : e.message);
  }
  document.body.dataset.ready = 'true';
}

start();
