// Panel chunk, part 3: the conversation. Sending (with the outbox and retries), streaming,
// restoring after a reload, quick replies, focus. Handed to the loader at the end.

// How long each streamed piece stays on screen before the next: the server may deliver a
// whole reply in one network read, and a visible, steady stream reads better than a jump.
var PACE_MS = 35;

function createPanel(ctx) {
  var root = ctx.root();
  var v = buildView(root);
  var motion = window.matchMedia ? matchMedia('(prefers-reduced-motion: reduce)') : null;
  var busy = false, shown = false, restored = false;
  var controller = null, retry = null, retryTimer = null;
  var queue = [], streaming = null, pacing = null, afterStream = null;

  function visitor() {
    var id = ctx.store('visitor');
    if (!id) {
      id = newId();
      ctx.store('visitor', id);
    }
    return id;
  }

  function greet() {
    var greeting = ctx.settings().greeting;
    if (greeting && !v.log.firstChild) bubble(v, 'assistant', greeting);
  }

  // Shows the stored conversation (or the greeting), and any message that was not sent.
  function restore() {
    restored = true;
    stopStream();
    v.log.textContent = '';
    v.quick.textContent = '';
    setRetry(null);
    var draft = ctx.store('outbox');
    if (draft && !v.input.value) {
      v.input.value = draft;
      setRetry('Your last message was not sent.', function () { send(v.input.value); });
    }
    var id = ctx.store('conversation');
    if (!id) return greet();
    fetchHistory(ctx.base, id, visitor()).then(function (history) {
      if (!history) {
        ctx.store('conversation', null);
        return greet();
      }
      v.log.textContent = '';
      history.messages.forEach(function (m) { bubble(v, m.role, m.content); });
      var lastOne = history.messages[history.messages.length - 1];
      if (lastOne && lastOne.role === 'assistant' && history.status === 'active') {
        offer(lastOne.content);
      }
    }, function (f) {
      setRetry(f.message, restore);
    });
  }

  function offer(text) {
    showQuickReplies(v, offeredSlots(text), function (slot) { send(slot.choice, slot.label); });
    // The chips take room from the log: keep its newest line in view.
    scrollDown(v);
  }

  // The error line and what its Retry button does; null clears both.
  function setRetry(message, action) {
    clearTimeout(retryTimer);
    retryTimer = null;
    retry = message ? action : null;
    showStatus(v, message, !!action);
  }

  // Where the visitor is: the agent speaks times in their zone, the team sees the page.
  function browserContext() {
    var c = {}, cap = function (s) { return String(s).slice(0, 2000); };
    try { c.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { /* old browser */ }
    if (navigator.language) c.locale = cap(navigator.language);
    c.pageUrl = cap(location.href);
    if (document.title) c.pageTitle = cap(document.title);
    if (document.referrer) c.referrer = cap(document.referrer);
    if (!c.timezone) delete c.timezone;
    return c;
  }

  function send(raw, label) {
    var text = (raw || '').trim();
    if (!text || busy) return;
    busy = true;
    setRetry(null);
    v.quick.textContent = '';
    // The outbox: until the server has stored it, the message survives a reload or a drop.
    ctx.store('outbox', text);
    var identity = ctx.store('identity');
    var extra = identity && !identity.sent ? identitySentence(identity.fields) : '';
    // The server takes at most 4000 characters; the identity waits for a shorter message.
    if (extra && text.length + extra.length + 2 > 4000) extra = '';
    var mine = bubble(v, 'user', label || text);
    if (v.input.value.trim() === text) v.input.value = '';
    v.typing.hidden = false;
    var conversation = ctx.store('conversation');
    var body = {
      tenantId: ctx.tenant(),
      visitorId: visitor(),
      message: extra ? text + '\n\n' + extra : text,
      context: browserContext()
    };
    if (conversation) body.conversationId = conversation;
    controller = new AbortController();
    sendTurn(ctx.base, body, controller.signal, {
      start: function (id) {
        ctx.store('conversation', id);
        ctx.store('outbox', null);
        if (extra) ctx.store('identity', { fields: identity.fields, sent: true });
        ctx.emit('message', { role: 'user', content: text, conversationId: id });
      },
      delta: function (piece) {
        v.typing.hidden = true;
        if (!streaming) streaming = bubble(v, 'assistant', '', true);
        queue.push(piece);
        pace();
      },
      event: function (type, detail) { ctx.emit(type, detail); }
    }).then(function (answer) {
      whenStreamed(function () { finish(answer); });
    }, function (f) {
      if (f && f.name === 'AbortError') return;
      busy = false;
      controller = null;
      v.typing.hidden = true;
      stopStream();
      if (f.started) {
        // The server has the message and finishes the answer on its own: fetch it.
        return setRetry(f.message + ' Select Retry to load the answer.', restore);
      }
      mine.remove();
      if (!v.input.value.trim()) v.input.value = text;
      if (f.status === 404 && conversation) {
        // The stored conversation is gone (erased, or another visitor's): start a new one.
        ctx.store('conversation', null);
        return send(text, label);
      }
      var again = function () { send(v.input.value, label); };
      if (f.status === 429) {
        var wait = Math.min(Math.max(f.retryAfter || 5, 1), 300);
        setRetry(f.message + ' Retrying in ' + wait + ' s.', again);
        retryTimer = setTimeout(again, wait * 1000);
      } else {
        setRetry(f.message + (f.status ? '' : ' Your message is kept; it is sent when you retry.'), again);
      }
    });
  }

  // Shows queued pieces one per tick (all at once for reduced motion), then runs what waits.
  function pace() {
    if (pacing || !streaming) return;
    if (!queue.length) {
      var next = afterStream;
      afterStream = null;
      if (next) next();
      return;
    }
    var all = motion && motion.matches;
    streaming.firstChild.textContent += all ? queue.splice(0).join('') : queue.shift();
    scrollDown(v);
    pacing = setTimeout(function () {
      pacing = null;
      pace();
    }, all ? 0 : PACE_MS);
  }

  function whenStreamed(fn) {
    if (!streaming || (!queue.length && !pacing)) fn();
    else afterStream = fn;
  }

  function stopStream() {
    clearTimeout(pacing);
    pacing = null;
    queue = [];
    afterStream = null;
    if (streaming) streaming.remove();
    streaming = null;
  }

  function finish(answer) {
    busy = false;
    controller = null;
    v.typing.hidden = true;
    var node = streaming || bubble(v, 'assistant', '', true);
    streaming = null;
    node.firstChild.textContent = answer.reply.content;
    showSources(node, answer.sources);
    node.removeAttribute('aria-busy');
    scrollDown(v);
    offer(answer.reply.content);
    ctx.emit('message', {
      role: 'assistant',
      content: answer.reply.content,
      conversationId: answer.conversationId,
      lead: answer.lead
    });
  }

  v.form.addEventListener('submit', function (e) {
    e.preventDefault();
    send(v.input.value);
  });
  v.input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send(v.input.value);
    }
  });
  v.retry.addEventListener('click', function () { if (retry) retry(); });
  v.closer.addEventListener('click', function () { ctx.close(); });
  // Esc closes; Tab and Shift+Tab cycle inside the open panel (it is a modal dialog).
  v.panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') {
      e.preventDefault();
      ctx.close();
      return;
    }
    if (e.key !== 'Tab') return;
    var items = focusables(v);
    if (!items.length) return;
    var active = root.activeElement, first = items[0], lastItem = items[items.length - 1];
    if (e.shiftKey && (active === first || items.indexOf(active) < 0)) {
      e.preventDefault();
      lastItem.focus();
    } else if (!e.shiftKey && (active === lastItem || items.indexOf(active) < 0)) {
      e.preventDefault();
      first.focus();
    }
  });
  // Back online: send what the drop kept.
  ctx.on(window, 'online', function () { if (retry && !busy) retry(); });

  function configure() {
    var s = ctx.settings();
    v.title.textContent = s.name || 'Chat';
    v.subtitle.textContent = s.agentName ? 'You are chatting with ' + s.agentName : '';
    if (shown && !ctx.store('conversation')) greet();
  }
  configure();

  return {
    show: function () {
      shown = true;
      root.host.setAttribute('data-open', '');
      v.panel.hidden = false;
      if (!restored) restore();
      v.input.focus();
    },
    hide: function () {
      shown = false;
      root.host.removeAttribute('data-open');
      v.panel.hidden = true;
    },
    configure: configure,
    // Another tenant: another visitor id and conversation.
    reset: function () {
      if (controller) controller.abort();
      busy = false;
      v.input.value = '';
      restored = false;
      if (shown) restore();
    },
    destroy: function () {
      if (controller) controller.abort();
      stopStream();
      setRetry(null);
      v.panel.remove();
      v.style.remove();
    }
  };
}

if (window.SynaptiqWidget && window.SynaptiqWidget._mount) window.SynaptiqWidget._mount(createPanel);
