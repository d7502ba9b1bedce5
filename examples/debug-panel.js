// The Attune debug panel of the demo: the live profile and the last events, as
// Attune sees them. Plain JS, no dependencies; include it on any page after the
// Attune script tag. Everything shown is set as text, never as HTML.
(function () {
  'use strict';

  const MAX_EVENTS = 12;
  const OPEN_KEY = 'attune-debug-open';
  const queue = (...call) => (window.attune = window.attune || []).push(call);

  const el = (tag, props = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === 'text') node.textContent = String(value);
      else node.setAttribute(name, String(value));
    }
    node.append(...children);
    return node;
  };

  // The panel's styles sit beside this file.
  const self = document.currentScript;
  if (self?.src) {
    document.head.append(el('link', { rel: 'stylesheet', href: new URL('debug-panel.css', self.src).href }));
  }

  const storage = el('span', { text: 'loading…' });
  const visitor = el('span', { text: '…' });
  const outbox = el('span', { text: '…' });
  const stats = el('pre', { class: 'adp-json', tabindex: '0', text: 'Nothing pulled yet.' });
  const decisions = el('pre', { class: 'adp-json', tabindex: '0', text: 'No placements on this page.' });
  const summary = el('dl', { class: 'adp-summary' });
  const events = el('ol', { class: 'adp-events', 'aria-label': 'Last events, newest first' });
  // A live list: each problem is announced as it is added, and the list stays a list.
  const problems = el('ul', { class: 'adp-problems', 'aria-live': 'assertive', 'aria-label': 'Problems Attune reported', hidden: '' });
  const json = el('pre', { class: 'adp-json', tabindex: '0' });
  const body = el('div', { id: 'attune-debug-body', class: 'adp-body' }, [
    el('p', { class: 'adp-meta' }, ['Storage: ', storage, ' · Visitor: ', visitor]),
    el('p', { class: 'adp-meta' }, ['Outbox: ', outbox]),
    problems,
    el('h3', { text: 'Profile' }),
    summary,
    el('h3', { text: 'Last events' }),
    events,
    el('details', {}, [el('summary', { text: 'Full profile (JSON)' }), json]),
    el('details', {}, [el('summary', { text: 'Decisions on this page (with explain)' }), decisions]),
    el('details', {}, [el('summary', { text: 'Statistics pulled from the collector' }), stats]),
  ]);
  const toggle = el('button', { type: 'button', class: 'adp-toggle', 'aria-controls': 'attune-debug-body' });
  const forget = el('button', { type: 'button', class: 'adp-forget', text: 'Forget me' });
  const panel = el('aside', { id: 'attune-debug', class: 'adp', 'aria-label': 'Attune debug panel' }, [
    el('div', { class: 'adp-head' }, [el('h2', { text: 'Attune debug' }), forget, toggle]),
    body,
  ]);

  const setOpen = (open) => {
    body.hidden = !open;
    toggle.textContent = open ? 'Hide' : 'Show';
    toggle.setAttribute('aria-expanded', String(open));
    document.documentElement.classList.toggle('attune-debug-open', open);
  };
  toggle.addEventListener('click', () => {
    const open = body.hidden;
    setOpen(open);
    try {
      localStorage.setItem(OPEN_KEY, open ? '1' : '0');
    } catch {
      // Storage may be off; the panel then opens as the screen size suggests.
    }
  });
  // Open by default where there is room for it beside the page.
  let startOpen = matchMedia('(min-width: 1100px)').matches;
  try {
    const saved = localStorage.getItem(OPEN_KEY);
    if (saved) startOpen = saved === '1';
  } catch {
    // As above.
  }
  setOpen(startOpen);
  document.body.append(panel);

  // --- Profile ---------------------------------------------------------------

  const list = (items) => (items && items.length ? items.join(', ') : '—');
  const row = (term, value) => [el('dt', { text: term }), el('dd', { text: value })];

  const renderProfile = () => {
    const Attune = window.Attune;
    if (!Attune) return;
    const profile = Attune.profile();
    visitor.textContent = profile.anonymousId.slice(0, 10) + '…';
    visitor.title = profile.anonymousId;
    const counters = Object.entries(profile.counters)
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => `${name} ×${count}`);
    summary.replaceChildren(
      ...row('Visits', `${profile.visits}${profile.returning ? ' (returning)' : ''}`),
      ...row('Page views', String(profile.pageViews)),
      ...row('Events', String(profile.events)),
      ...row('Top category', profile.topCategory ?? '—'),
      ...row('Top tags', list(profile.topTags)),
      ...row('Price band', profile.priceBand ?? '—'),
      ...row('Cart', `${profile.cart.count} item(s), ${profile.cart.value.toFixed(2)}`),
      ...row('Recently viewed', list(profile.recentlyViewed.slice(0, 5))),
      ...row('Counters', list(counters.slice(0, 6))),
    );
    json.textContent = JSON.stringify(profile, null, 2);
  };

  // Many events may come in one burst (a fast scroll); draw once per frame.
  let drawScheduled = false;
  const scheduleDraw = () => {
    if (drawScheduled) return;
    drawScheduled = true;
    requestAnimationFrame(() => {
      drawScheduled = false;
      renderProfile();
      renderEvents();
    });
  };

  // --- Events ----------------------------------------------------------------

  const seen = new Set();
  let recent = [];

  const nameOf = (event) =>
    event.type === 'track' ? event.event : event.type === 'page' ? `page ${event.context?.page?.path ?? ''}` : event.type;

  const detailsOf = (event) => {
    const data = event.type === 'identify' ? event.traits : event.properties;
    const text = data && Object.keys(data).length ? JSON.stringify(data) : '';
    return text.length > 90 ? text.slice(0, 89) + '…' : text;
  };

  const remember = (event) => {
    if (!event || seen.has(event.messageId)) return;
    seen.add(event.messageId);
    recent.push(event);
    recent.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    recent = recent.slice(-MAX_EVENTS);
  };

  const renderEvents = () => {
    if (!recent.length) {
      events.replaceChildren(el('li', { class: 'adp-empty', text: 'No events yet.' }));
      return;
    }
    events.replaceChildren(
      ...recent
        .slice()
        .reverse()
        .map((event) =>
          el('li', {}, [
            el('time', { datetime: event.timestamp, text: new Date(event.timestamp).toLocaleTimeString() }),
            el('strong', { text: nameOf(event) }),
            el('code', { text: detailsOf(event) }),
          ]),
        ),
    );
  };

  const showProblem = (error) => {
    problems.hidden = false;
    problems.append(el('li', { text: `${error.code ?? 'error'}: ${error.message}` }));
  };

  const refreshStorage = () =>
    window.Attune?.export().then((data) => {
      if (!data) return;
      storage.textContent = data.storage === 'indexeddb' ? 'IndexedDB' : 'memory only';
      data.events.forEach(remember);
      scheduleDraw();
    });

  // Queued, so they listen from the very first event even if this file runs
  // before the script tag has loaded.
  queue('on', 'event', (event) => {
    remember(event);
    scheduleDraw();
  });
  queue('on', 'error', showProblem);

  forget.addEventListener('click', () => {
    if (!window.Attune) return;
    window.Attune.forget().then(() => {
      seen.clear();
      recent = [];
      storage.textContent = 'forgotten';
      scheduleDraw();
    });
  });

  // The outbox drains in the background, and statistics arrive after start: look every 2 s.
  const refreshSync = () => {
    window.Attune?.outboxSize().then((size) => {
      outbox.textContent = size === 1 ? '1 event waiting to be sent' : `${size} events waiting to be sent`;
    });
    const pulled = window.Attune?.stats();
    if (pulled) stats.textContent = JSON.stringify(pulled, null, 2);
    // The placements are the ones in the page's inline config; decide() answers from this view's memo.
    let placements = [];
    try {
      placements = JSON.parse(document.querySelector('script[data-attune-config]')?.textContent || '{}').placements || [];
    } catch {}
    if (placements.length && window.Attune) {
      const shown = {};
      for (const { id } of placements) shown[id] = window.Attune.decide(id);
      decisions.textContent = JSON.stringify(shown, null, 2);
    }
  };

  // Once Attune has read what it stored, show the stored profile and events too.
  const start = () =>
    window.Attune.ready.then(() => {
      refreshStorage();
      refreshSync();
      setInterval(refreshSync, 2000);
    });
  if (window.Attune) start();
  else document.querySelector('script[data-site]')?.addEventListener('load', () => window.Attune && start(), { once: true });
  renderEvents();
})();
