/* emend search: runs in the browser over the index that `emend build` writes
   under search/ (see src/search.rs): meta.js (editions and shard keys),
   t/<n>.js (runs of sorted terms and their postings), d/<slug>.js (passages of one edition).
   They are loaded with <script> elements, not fetch(), so search works on any
   static host and also when the site is opened from disk (file://).
   Queries are split into terms exactly as the build splits texts. */
(function () {
  'use strict';
  var box = document.querySelector('.search[data-root]');
  if (!box) return;
  var root = box.getAttribute('data-root') || '';
  var index = box.getAttribute('data-index') || '';
  var dir = root + 'search/';
  var form = box.querySelector('.search-form');
  var input = box.querySelector('input[name="q"]');
  var status = box.querySelector('.search-status');
  var list = box.querySelector('.search-results');
  var MAX_RESULTS = 20;
  var SNIPPET = 220;

  // Each data file calls back into window.emendSearch with its contents.
  var pending = {};
  var loaded = {};
  function load(key, src) {
    if (!loaded[key]) {
      loaded[key] = new Promise(function (resolve, reject) {
        pending[key] = resolve;
        var s = document.createElement('script');
        s.src = src;
        s.onerror = function () {
          delete loaded[key];
          delete pending[key];
          reject(new Error('could not load ' + src));
        };
        document.head.appendChild(s);
      });
    }
    return loaded[key];
  }
  function arrive(key, value) {
    var resolve = pending[key];
    delete pending[key];
    if (resolve) resolve(value);
  }
  window.emendSearch = {
    meta: function (m) { arrive('meta', m); },
    shard: function (n, entries) { arrive('t' + n, entries); },
    doc: function (slug, d) { arrive('d' + slug, d); }
  };

  // Same rule as `for_each_term` in src/search.rs: lowercase, runs of letters
  // and digits, one-letter terms dropped (one-digit terms kept).
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  function terms(text) {
    var out = [];
    (text.toLowerCase().match(WORD) || []).forEach(function (t) {
      if (Array.from(t).length < 2 && !/^\p{N}$/u.test(t)) return;
      if (out.indexOf(t) < 0) out.push(t);
    });
    return out;
  }
  function startsWith(s, prefix) { return s.lastIndexOf(prefix, 0) === 0; }

  // Shards are runs of sorted terms, known by their first term. Terms starting
  // with q are consecutive: from the shard that would hold q itself through the
  // shards whose first term starts with q.
  function shardsFor(firsts, q) {
    var from = 0;
    for (var i = 0; i < firsts.length && firsts[i] <= q; i++) from = i;
    var out = [from];
    for (var j = from + 1; j < firsts.length && startsWith(firsts[j], q); j++) out.push(j);
    return firsts.length ? out : [];
  }

  // Every query term must occur in an edition (as a word or the start of one);
  // whole-word matches weigh twice, title matches three times.
  function find(qs, meta, shards) {
    var docs = null;
    qs.forEach(function (q) {
      var found = {};
      shards.forEach(function (entries) {
        entries.forEach(function (entry) {
          if (!startsWith(entry[0], q)) return;
          var weight = entry[0] === q ? 2 : 1;
          var post = entry[1];
          var doc = 0;
          for (var i = 0; i < post.length; i += 2 + post[i + 1]) {
            doc += post[i];
            var f = found[doc] || (found[doc] = {});
            for (var j = 0; j < post[i + 1]; j++) {
              var p = post[i + 2 + j];
              f[p] = Math.max(f[p] || 0, weight);
            }
          }
        });
      });
      var next = {};
      Object.keys(found).forEach(function (doc) {
        if (docs && !docs[doc]) return;
        var hit = docs ? docs[doc] : { score: 0, passages: {} };
        Object.keys(found[doc]).forEach(function (p) {
          var w = found[doc][p];
          hit.score += p === '0' ? 3 * w : w;
          hit.passages[p] = (hit.passages[p] || 0) + w;
        });
        next[doc] = hit;
      });
      docs = next;
    });
    return Object.keys(docs || {}).map(function (doc) {
      var hit = docs[doc];
      // Link to the best passage of the text; the title only if nothing else matched.
      var best = null;
      Object.keys(hit.passages).forEach(function (p) {
        var n = Number(p);
        if (best === null) { best = n; return; }
        var a = hit.passages[p] - (n === 0 ? 0.5 : 0);
        var b = hit.passages[best] - (best === 0 ? 0.5 : 0);
        if (a > b || (a === b && n < best)) best = n;
      });
      return { doc: Number(doc), slug: meta.docs[doc], score: hit.score, passage: best };
    }).sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
  }

  function search(query) {
    var qs = terms(query);
    if (!qs.length) return Promise.resolve({ qs: qs, hits: [], total: 0 });
    return load('meta', dir + 'meta.js').then(function (meta) {
      var need = [];
      qs.forEach(function (q) {
        shardsFor(meta.shards, q).forEach(function (n) { if (need.indexOf(n) < 0) need.push(n); });
      });
      return Promise.all(need.map(function (n) { return load('t' + n, dir + 't/' + n + '.js'); }))
        .then(function (shards) {
          var hits = find(qs, meta, shards);
          var shown = hits.slice(0, MAX_RESULTS);
          return Promise.all(shown.map(function (h) { return load('d' + h.slug, dir + 'd/' + h.slug + '.js'); }))
            .then(function (docs) {
              shown.forEach(function (h, i) { h.data = docs[i]; });
              return { qs: qs, hits: shown, total: hits.length };
            });
        });
    });
  }

  function describe(anchor) {
    if (!anchor) return 'Title';
    var m = /^p(\d+)$/.exec(anchor);
    if (m) return 'Passage ' + m[1];
    m = /^note-(\d+)$/.exec(anchor);
    if (m) return 'Note ' + m[1];
    return anchor;
  }

  // Appends `text` to `el`, marking words that start with a query term.
  function highlight(el, text, qs) {
    var last = 0;
    text.replace(WORD, function (word, at) {
      var lower = word.toLowerCase();
      if (qs.some(function (q) { return startsWith(lower, q); })) {
        el.appendChild(document.createTextNode(text.slice(last, at)));
        var mark = document.createElement('mark');
        mark.textContent = word;
        el.appendChild(mark);
        last = at + word.length;
      }
      return word;
    });
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function snippet(text, qs) {
    var first = -1;
    text.replace(WORD, function (word, at) {
      var lower = word.toLowerCase();
      if (first < 0 && qs.some(function (q) { return startsWith(lower, q); })) first = at;
      return word;
    });
    var start = Math.max(0, first - 60);
    if (start > 0) {
      var space = text.indexOf(' ', start);
      start = space >= 0 && space < first ? space + 1 : start;
    }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      var cut = text.lastIndexOf(' ', end);
      end = cut > first ? cut : end;
    }
    return (start > 0 ? '… ' : '') + text.slice(start, end) + (end < text.length ? ' …' : '');
  }

  function show(query, result) {
    list.textContent = '';
    if (!result.qs.length) {
      status.textContent = query.trim() ? 'Type at least two letters of a word.' : '';
      return;
    }
    status.textContent = result.total === 0
      ? 'No results for “' + query + '”.'
      : result.total + (result.total === 1 ? ' edition matches' : ' editions match') + ' “' + query + '”' +
        (result.total > result.hits.length ? '; the best ' + result.hits.length + ' are shown.' : '.');
    result.hits.forEach(function (h) {
      var passage = h.data.p[h.passage] || ['', h.data.t];
      var anchor = passage[0];
      var li = document.createElement('li');
      var title = document.createElement('h2');
      var a = document.createElement('a');
      a.href = root + h.slug + '/' + index + (anchor ? '#' + anchor : '');
      a.textContent = h.data.t;
      title.appendChild(a);
      li.appendChild(title);
      var where = document.createElement('p');
      where.className = 'where';
      where.textContent = describe(anchor);
      li.appendChild(where);
      if (anchor) {
        var p = document.createElement('p');
        p.className = 'snippet';
        highlight(p, snippet(passage[1], result.qs), result.qs);
        li.appendChild(p);
      }
      list.appendChild(li);
    });
  }

  function run(query) {
    status.textContent = 'Searching…';
    search(query).then(function (r) { show(query, r); }, function () {
      status.textContent = 'The search index could not be loaded.';
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var q = input.value;
    try {
      history.replaceState(null, '', '?q=' + encodeURIComponent(q));
    } catch (err) { /* some browsers refuse this for file:// pages */ }
    run(q);
  });
  var initial = new URLSearchParams(location.search).get('q');
  if (initial) {
    input.value = initial;
    run(initial);
  } else {
    input.focus();
  }
})();
