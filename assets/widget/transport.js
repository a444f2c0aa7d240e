// Panel chunk, part 1: talking to the server. A chat turn is a POST answered with
// Server-Sent Events; EventSource cannot POST, so the events are read from fetch's body,
// which also works cross-origin under CORS.

// A failed request, in the words the panel shows. `started`: the server had stored the
// visitor's message, so sending it again would say it twice.
function Failure(status, message, retryAfter, started) {
  this.status = status;
  this.message = message;
  this.retryAfter = retryAfter;
  this.started = !!started;
}

function failureOf(response) {
  return response.json().catch(function () { return {}; }).then(function (body) {
    var wait = parseInt(response.headers.get('Retry-After') || '', 10);
    var text = response.status === 429
      ? 'You are sending messages faster than we can answer.'
      : body.error || 'The chat server answered ' + response.status + '.';
    throw new Failure(response.status, text, isNaN(wait) ? 0 : wait);
  });
}

// Calls `onEvent(name, data)` for every event of an SSE body, as the pieces arrive.
function readEvents(response, onEvent) {
  var reader = response.body.getReader();
  var decoder = new TextDecoder();
  var buffer = '';
  function dispatch(block) {
    var name = 'message', data = [];
    block.split(/\r?\n/).forEach(function (line) {
      var at = line.indexOf(':');
      if (at <= 0) return; // comments (":...") and malformed lines
      var field = line.slice(0, at), value = line.slice(at + 1).replace(/^ /, '');
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    });
    if (!data.length) return;
    var parsed;
    try { parsed = JSON.parse(data.join('\n')); } catch (e) { parsed = data.join('\n'); }
    onEvent(name, parsed);
  }
  function pump() {
    return reader.read().then(function (chunk) {
      buffer += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      var blocks = buffer.split(/\r?\n\r?\n/);
      buffer = chunk.done ? '' : blocks.pop();
      blocks.forEach(dispatch);
      if (!chunk.done) return pump();
    });
  }
  return pump();
}

// One turn: `on.start(conversationId)`, `on.delta(text)`, `on.event(type, detail)`, and
// resolves with the `done` answer. Rejects with a Failure.
function sendTurn(base, body, signal, on) {
  var started = false, answer = null, failed = null;
  // The tenant in the URL lets the CORS preflight check the tenant's allowed origins.
  return fetch(base + 'api/chat?tenant=' + encodeURIComponent(body.tenantId), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify(body),
    credentials: 'omit',
    signal: signal
  }).then(function (response) {
    if (!response.ok) return failureOf(response);
    if (!/event-stream/.test(response.headers.get('Content-Type') || '')) {
      // A proxy that buffers and rewrites: take the plain JSON answer.
      return response.json().then(function (json) {
        on.start(json.conversationId);
        on.delta(json.reply.content);
        (json.events || []).forEach(function (e) { on.event(e.type, e.detail); });
        return json;
      });
    }
    return readEvents(response, function (name, data) {
      if (name === 'start') {
        started = true;
        on.start(data.conversationId);
      } else if (name === 'delta') on.delta(data.content || '');
      else if (name === 'done') answer = data;
      else if (name === 'error') failed = data.error;
      else on.event(name, data);
    }).then(function () {
      if (answer) return answer;
      throw new Failure(0, failed || 'The answer was cut off.', 0, started);
    });
  }).catch(function (e) {
    if (e instanceof Failure || (e && e.name === 'AbortError')) throw e;
    throw new Failure(0, 'We cannot reach the chat server right now.', 0, started);
  });
}

// The visible history of a conversation (restore after a reload); null when it is gone.
function fetchHistory(base, conversationId, visitorId) {
  var url = base + 'api/chat/' + encodeURIComponent(conversationId) +
    '?visitorId=' + encodeURIComponent(visitorId);
  return fetch(url, { credentials: 'omit' }).then(function (response) {
    if (response.status === 404) return null;
    if (!response.ok) return failureOf(response);
    return response.json();
  }, function () {
    throw new Failure(0, 'We cannot reach the chat server right now.', 0);
  });
}

// The numbered slots the agent offers ("1) Wednesday 25 November at 15:00 (UTC)"): the
// visitor picks one by sending its number.
function offeredSlots(text) {
  var slots = [];
  text.split('\n').forEach(function (line) {
    var m = /^\s*(\d{1,2})\)\s+(.+?)\s*$/.exec(line);
    if (m) slots.push({ choice: m[1], label: m[2] });
  });
  return slots;
}

function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return 'v-' + Date.now().toString(36) + Math.random().toString(36).slice(2);
}

// What identify() gave, as a sentence the agent's extraction understands.
function identitySentence(f) {
  var parts = [];
  if (f.name) parts.push("I'm " + f.name + (f.company ? ' from ' + f.company : ''));
  else if (f.company) parts.push('I work at ' + f.company);
  if (f.email) parts.push('my email is ' + f.email);
  if (f.phone) parts.push('my phone is ' + f.phone);
  return parts.length ? '(' + parts.join(', ') + '.)' : '';
}
