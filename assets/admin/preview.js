// The settings page's preview: loads the real widget (/widget.js) for the tenant named in
// the query, opens it, and applies unsaved colour and greeting changes sent by the parent.
(function () {
  'use strict';
  var tenant = new URLSearchParams(location.search).get('tenant') || 'default';
  // A fresh visitor each time, so the preview shows the greeting, not an old conversation.
  try {
    Object.keys(localStorage).forEach(function (k) {
      if (k.indexOf('synaptiq:') === 0) localStorage.removeItem(k);
    });
  } catch (e) { /* storage off */ }
  addEventListener('synaptiq:ready', function () {
    if (window.SynaptiqWidget) window.SynaptiqWidget.open();
  });
  addEventListener('message', function (e) {
    if (e.origin !== location.origin || !e.data || !e.data.synaptiqPreview) return;
    var change = e.data.synaptiqPreview;
    var host = document.querySelector('synaptiq-widget');
    if (!host) return;
    if (change.accentColor && /^#[0-9a-f]{3,8}$/i.test(change.accentColor)) {
      host.style.setProperty('--sq-accent', change.accentColor);
    }
    if (typeof change.greeting === 'string' && host.shadowRoot) {
      var first = host.shadowRoot.querySelector('.log .assistant, .log [data-role=assistant]');
      if (first) {
        var text = first.querySelector('.text, .bubble-text') || first;
        text.textContent = change.greeting;
      }
    }
  });
  var script = document.createElement('script');
  script.src = '/widget.js';
  script.setAttribute('data-tenant', tenant);
  document.head.appendChild(script);
}());
