// Synaptiq chat widget: the loader, i.e. everything a page pays for on load. It adds the
// launcher button and window.SynaptiqWidget; the chat panel is a separate chunk fetched
// only when the chat is first opened. Served as /widget.js; the server swaps the panel path
// below for the chunk's content-hashed URL. Plain ES2017, no dependencies, no build step.
(function () {
  'use strict';
  var w = window, d = document, me = d.currentScript;
  var api = w.SynaptiqWidget;
  // The snippet ran again (SPA re-render, re-inserted tag): keep the widget that is there.
  if (api) {
    var again = me && me.getAttribute('data-tenant');
    if (again && api.setTenant) api.setTenant(again);
    return;
  }
  if (!me || !me.src) return;
  var base = me.src.replace(/[^/]*$/, '');
  var PANEL = base.slice(0, -1) + '/widget/panel.js';
  var tenant = me.getAttribute('data-tenant') || 'default';
  var settings = {};
  var undo = []; // every listener, timer and observer: destroy() runs these
  var host, root, launcher, theme, chunk, panel, loading, mount, opened = false, back = null;

  // Everything the widget stores is under one prefix, per tenant; storage can be off
  // (private modes, sandboxed frames), and the widget still works without it.
  function store(key, value, session) {
    try {
      var s = session ? w.sessionStorage : w.localStorage;
      var k = 'synaptiq:' + tenant + ':' + key;
      if (value === undefined) return JSON.parse(s.getItem(k) || 'null');
      if (value === null) s.removeItem(k);
      else s.setItem(k, JSON.stringify(value));
    } catch (e) { return null; }
  }

  function on(target, type, fn, opts) {
    target.addEventListener(type, fn, opts);
    undo.push(function () { target.removeEventListener(type, fn, opts); });
  }

  function later(fn, ms) {
    var id = setTimeout(fn, ms);
    undo.push(function () { clearTimeout(id); });
    return id;
  }

  function emit(name, detail) {
    w.dispatchEvent(new CustomEvent('synaptiq:' + name, { detail: detail || null }));
  }

  var CSS =
    ':host{all:initial!important;display:block!important;position:fixed!important;' +
    'bottom:0!important;right:0!important;width:0!important;height:0!important;' +
    'visibility:visible!important;opacity:1!important;z-index:2147483000!important;' +
    'font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif!important}' +
    '.launcher{position:fixed;bottom:20px;right:20px;width:56px;height:56px;border:0;' +
    'border-radius:50%;cursor:pointer;display:grid;place-items:center;color:#fff;' +
    'background:var(--sq-accent,var(--sq-tenant-accent,#4f46e5));' +
    'box-shadow:0 4px 14px rgba(0,0,0,.25);transition:transform .15s}' +
    '.launcher:hover{transform:scale(1.06)}' +
    '.launcher:focus-visible{outline:3px solid var(--sq-focus,#111);outline-offset:3px}' +
    ':host([data-position=bottom-left]) .launcher{right:auto;left:20px}' +
    '@media (prefers-reduced-motion:reduce){.launcher{transition:none}}' +
    'svg{width:26px;height:26px;fill:currentColor}';

  function build() {
    host = d.createElement('synaptiq-widget');
    root = host.attachShadow({ mode: 'open' });
    var style = d.createElement('style');
    style.textContent = CSS;
    theme = d.createElement('style');
    launcher = d.createElement('button');
    launcher.type = 'button';
    launcher.className = 'launcher';
    launcher.setAttribute('part', 'launcher');
    launcher.setAttribute('aria-haspopup', 'dialog');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-label', 'Open chat');
    launcher.innerHTML =
      '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
    root.append(style, theme, launcher);
    on(launcher, 'click', function () { toggle(); });
    d.body.appendChild(host);
    // A single-page app that re-renders <body> must not lose (or duplicate) the widget.
    var watch = new MutationObserver(function () {
      if (host && !host.isConnected && d.body) d.body.appendChild(host);
    });
    watch.observe(d.documentElement, { childList: true, subtree: true });
    undo.push(function () { watch.disconnect(); });
    configure();
  }

  // The tenant's name, colours and position; the launcher works before (and without) them.
  function configure() {
    var asked = tenant;
    fetch(base + 'api/widget?tenant=' + encodeURIComponent(tenant), { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .catch(function () { return {}; })
      .then(function (s) {
        if (!host || asked !== tenant) return;
        settings = s;
        if (/^#[0-9a-f]{3,8}$/i.test(s.accentColor || '')) {
          theme.textContent = ':host{--sq-tenant-accent:' + s.accentColor + '}';
        }
        host.setAttribute('data-position', s.position === 'bottom-left' ? 'bottom-left' : 'bottom-right');
        launcher.setAttribute('aria-label', 'Open chat with ' + (s.agentName || s.name || 'us'));
        if (panel) panel.configure();
        if (!api.ready) {
          api.ready = true;
          emit('ready', { tenantId: tenant });
          if (store('open', undefined, true)) open();
        }
      });
  }

  // The panel chunk, loaded once; it hands its factory to `mount`.
  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      mount = function (create) {
        panel = create(context);
        resolve(panel);
      };
      chunk = d.createElement('script');
      chunk.src = PANEL;
      chunk.async = true;
      chunk.onerror = function () {
        chunk.remove();
        loading = null;
        reject(new Error('the chat could not be loaded'));
      };
      d.head.appendChild(chunk);
    });
    return loading;
  }

  var context = {
    root: function () { return root; },
    base: base,
    tenant: function () { return tenant; },
    settings: function () { return settings; },
    store: store,
    on: on,
    later: later,
    emit: emit,
    close: function () { close(); }
  };

  function open() {
    if (opened || !host) return;
    opened = true;
    var active = d.activeElement;
    back = active === host ? launcher : active && active !== d.body ? active : null;
    launcher.setAttribute('aria-expanded', 'true');
    store('open', true, true);
    load().then(function (p) {
      if (!opened) return;
      p.show();
      emit('open');
    }, function (e) {
      opened = false;
      launcher.setAttribute('aria-expanded', 'false');
      launcher.setAttribute('aria-label', 'Chat unavailable, select to try again');
      console.warn('Synaptiq:', e.message);
    });
  }

  function close() {
    if (!opened) return;
    opened = false;
    launcher.setAttribute('aria-expanded', 'false');
    store('open', null, true);
    if (panel) panel.hide();
    // Focus goes back where it was, but only if it was in the widget: never steal it.
    var to = back && back.isConnected ? back : launcher;
    back = null;
    if (root.activeElement) to.focus();
    emit('close');
  }

  function toggle() {
    if (opened) close();
    else open();
  }

  api = w.SynaptiqWidget = {
    ready: false,
    open: open,
    close: close,
    toggle: toggle,
    isOpen: function () { return opened; },
    // Another tenant: its settings, its visitor id and conversation.
    setTenant: function (id) {
      if (!id || id === tenant || !host) return;
      tenant = String(id);
      configure();
      if (panel) panel.reset();
    },
    // Known visitor fields (name, email, company, phone) go to the agent with the next message.
    identify: function (fields) {
      var keep = {}, any = false;
      ['name', 'email', 'company', 'phone'].forEach(function (k) {
        if (fields && typeof fields[k] === 'string' && fields[k].trim()) {
          keep[k] = fields[k].trim();
          any = true;
        }
      });
      if (any) store('identity', { fields: keep, sent: false });
    },
    destroy: function () {
      if (!host) return;
      if (panel) panel.destroy();
      undo.forEach(function (f) { f(); });
      undo = [];
      host.remove();
      if (chunk) chunk.remove();
      host = root = launcher = panel = loading = chunk = null;
      opened = false;
      delete w.SynaptiqWidget;
    }
  };
  // The panel chunk finds its way in here (not enumerable: not part of the API).
  Object.defineProperty(api, '_mount', { value: function (create) { if (mount) mount(create); } });

  if (d.body) build();
  else on(d, 'DOMContentLoaded', build);
})();
