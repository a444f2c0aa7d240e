// Panel chunk, part 2: the panel's DOM. Text is always set as text, never as HTML, so
// nothing a visitor or the agent writes can inject markup.

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    if (k === 'text') node.textContent = attrs[k];
    else node.setAttribute(k, attrs[k]);
  });
  (children || []).forEach(function (c) { node.appendChild(c); });
  return node;
}

// Builds the panel inside the shadow root; returns its parts by name.
function buildView(root) {
  var v = {};
  v.style = el('style', { text: __SYNAPTIQ_CSS__ });
  v.title = el('h2', { id: 'sq-title', class: 'title' });
  v.subtitle = el('p', { class: 'subtitle' });
  v.closer = el('button', { type: 'button', class: 'icon', part: 'close', 'aria-label': 'Close chat' });
  v.closer.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>';
  v.log = el('div', {
    class: 'log', part: 'messages', role: 'log', 'aria-live': 'polite',
    'aria-label': 'Conversation', tabindex: '0'
  });
  v.typing = el('div', { class: 'typing', part: 'typing', hidden: '' }, [
    el('span'), el('span'), el('span'),
    el('span', { class: 'sr', text: 'The assistant is typing' })
  ]);
  v.quick = el('div', { class: 'quick', part: 'quick-replies', role: 'group', 'aria-label': 'Suggested replies' });
  v.statusText = el('span');
  v.retry = el('button', { type: 'button', class: 'retry', part: 'retry', text: 'Retry' });
  v.status = el('div', { class: 'status', part: 'status', role: 'alert', hidden: '' }, [v.statusText, v.retry]);
  v.input = el('textarea', {
    class: 'input', part: 'input', rows: '1', maxlength: '4000',
    'aria-label': 'Your message', placeholder: 'Write a message…'
  });
  v.send = el('button', { type: 'submit', class: 'send', part: 'send', 'aria-label': 'Send message' });
  v.send.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 20l18-8L3 4v6l12 2-12 2z"/></svg>';
  v.form = el('form', { class: 'composer', part: 'composer' }, [v.input, v.send]);
  v.panel = el('div', {
    class: 'panel', part: 'panel', role: 'dialog', 'aria-modal': 'true',
    'aria-labelledby': 'sq-title', id: 'sq-panel', hidden: ''
  }, [
    el('header', { class: 'head', part: 'header' }, [el('div', {}, [v.title, v.subtitle]), v.closer]),
    v.log, v.typing, v.quick, v.status, v.form
  ]);
  root.append(v.style, v.panel);
  return v;
}

// A message bubble; `streaming` ones are aria-busy until complete, so screen readers read
// the whole reply once rather than every piece.
function bubble(v, role, text, streaming) {
  var body = el('div', { class: 'text', text: text || '' });
  var node = el('div', {
    class: 'msg ' + (role === 'user' ? 'user' : 'assistant'),
    part: 'message message-' + (role === 'user' ? 'user' : 'assistant')
  }, [body]);
  if (streaming) node.setAttribute('aria-busy', 'true');
  v.log.appendChild(node);
  scrollDown(v);
  return node;
}

// The documents an answer came from, as a small line under the message (not in its text).
function showSources(node, sources) {
  var old = node.querySelector('.source');
  if (old) old.remove();
  var titles = (sources || []).map(function (s) { return s.title; }).filter(Boolean);
  if (!titles.length) return;
  node.appendChild(el('div', {
    class: 'source',
    part: 'message-source',
    text: (titles.length > 1 ? 'Sources: ' : 'Source: ') + titles.join(', ')
  }));
}

function scrollDown(v) {
  v.log.scrollTop = v.log.scrollHeight;
}

function showQuickReplies(v, slots, pick) {
  v.quick.textContent = '';
  slots.forEach(function (slot) {
    var b = el('button', { type: 'button', class: 'chip', part: 'quick-reply', text: slot.label });
    b.addEventListener('click', function () { pick(slot); });
    v.quick.appendChild(b);
  });
}

function showStatus(v, text, canRetry) {
  v.statusText.textContent = text || '';
  v.status.hidden = !text;
  v.retry.hidden = !canRetry;
}

// What Tab can reach inside the open panel, in order (the focus trap cycles through these).
function focusables(v) {
  return Array.prototype.filter.call(
    v.panel.querySelectorAll('button, textarea, [tabindex="0"]'),
    function (n) { return !n.disabled && !n.hidden && n.offsetParent !== null && !n.closest('[hidden]'); }
  );
}
