/* emend search: runs in the browser over the index that `emend build` writes
   under search/ (see src/outputs/search.rs for the format): meta.js (number of
   editions, shard keys), t/<n>.js (runs of sorted terms and their postings),
   s/<k>.js (the slugs of a chunk of editions) and d/<slug>.js (the title and
   passages of one edition), the last two only for the results shown.
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
    slugs: function (k, slugs) { arrive('s' + k, slugs); },
    doc: function (slug, d) { arrive('d' + slug, d); }
  };

  // Same rule as `for_each_term` in src/outputs/search.rs: lowercase, runs of letters
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

  // Postings: base64 VLQ numbers (five bits a character, the sixth saying
  // more follow): k, then k pairs (document delta, weight); what follows, if
  // anything, is a bitmap of every document with the term (six a character),
  // whose documents beyond the k pairs weigh a little less than the lightest pair.
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  var DIGIT = {};
  for (var c = 0; c < 64; c++) DIGIT[B64.charAt(c)] = c;
  function postings(s, docs, each) {
    var at = 0;
    function next() {
      var n = 0, shift = 0, d;
      do {
        d = DIGIT[s.charAt(at++)];
        n += (d & 31) * Math.pow(2, shift);
        shift += 5;
      } while (d & 32);
      return n;
    }
    var k = next(), doc = 0, weights = {}, lightest = Infinity;
    var pairs = [];
    for (var i = 0; i < k; i++) {
      doc += next();
      var w = next();
      pairs.push(doc, w);
      weights[doc] = w;
      if (w < lightest) lightest = w;
    }
    if (at >= s.length) {
      for (var j = 0; j < pairs.length; j += 2) each(pairs[j], pairs[j + 1]);
      return;
    }
    for (var d = 0; d < docs; d++) {
      if (DIGIT[s.charAt(at + Math.floor(d / 6))] & (1 << (d % 6))) {
        each(d, d in weights ? weights[d] : lightest - 0.5);
      }
    }
  }

  // Every query term must occur in an edition (as a word or the start of one).
  // An edition's score adds, for each query term and each term of the index it
  // matches, the term's weight there (passages with it; a title counts three),
  // doubled for a whole-word match.
  function find(qs, meta, shards) {
    var n = meta.docs;
    var score = new Float64Array(n);
    var all = null;
    qs.forEach(function (q) {
      var has = new Uint8Array(n);
      shards.forEach(function (entries) {
        for (var i = 0; i < entries.length; i += 2) {
          var term = entries[i];
          if (!startsWith(term, q)) continue;
          var weight = term === q ? 2 : 1;
          postings(entries[i + 1], n, function (doc, w) {
            has[doc] = 1;
            score[doc] += weight * w;
          });
        }
      });
      if (all) for (var d = 0; d < n; d++) all[d] &= has[d];
      else all = has;
    });
    var hits = [];
    for (var d = 0; d < n; d++) if (all && all[d]) hits.push({ doc: d, score: score[d] });
    return hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
  }

  // An edition's passages: its title, then its rows and notes, each with its
  // anchor on the edition page and how to name it.
  function passagesOf(d) {
    var out = [{ anchor: '', where: 'Title', text: d.t }];
    d.r.forEach(function (p) { out.push({ anchor: p[0], where: 'Passage ' + p[1], text: p[2] }); });
    d.n.forEach(function (p) { out.push({ anchor: p[0], where: 'Note ' + p[1], text: p[2] }); });
    return out;
  }

  // The passage to link to: the one matching the query best (a word equal to a
  // query term counts two, a word starting with one counts one), the title only
  // if nothing else matches as well; ties go to the earlier passage.
  function bestPassage(passages, qs) {
    var best = passages[0], bestScore = -1;
    passages.forEach(function (p, i) {
      var words = (p.text.match(WORD) || []).map(function (w) { return w.toLowerCase(); });
      var score = 0;
      qs.forEach(function (q) {
        var w = 0;
        for (var j = 0; j < words.length && w < 2; j++) {
          if (words[j] === q) w = 2;
          else if (startsWith(words[j], q)) w = 1;
        }
        score += w;
      });
      if (score > 0 && score - (i === 0 ? 0.5 : 0) > bestScore) {
        best = p;
        bestScore = score - (i === 0 ? 0.5 : 0);
      }
    });
    return best;
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
          return Promise.all(shown.map(function (h) {
            var k = Math.floor(h.doc / meta.chunk);
            return load('s' + k, dir + 's/' + k + '.js').then(function (slugs) {
              h.slug = slugs[h.doc - k * meta.chunk];
              return load('d' + h.slug, dir + 'd/' + h.slug + '.js');
            });
          })).then(function (docs) {
            shown.forEach(function (h, i) {
              h.title = docs[i].t;
              h.passage = bestPassage(passagesOf(docs[i]), qs);
            });
            return { qs: qs, hits: shown, total: hits.length };
          });
        });
    });
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
      var anchor = h.passage.anchor;
      var li = document.createElement('li');
      var title = document.createElement('h2');
      var a = document.createElement('a');
      a.href = root + h.slug + '/' + index + (anchor ? '#' + anchor : '');
      a.textContent = h.title;
      title.appendChild(a);
      li.appendChild(title);
      var where = document.createElement('p');
      where.className = 'where';
      where.textContent = h.passage.where;
      li.appendChild(where);
      if (anchor) {
        var p = document.createElement('p');
        p.className = 'snippet';
        highlight(p, snippet(h.passage.text, result.qs), result.qs);
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
