/* nianbao search engine: reads the index that generator/search/writer.py writes into search-data/.
   A classic script, no modules, no fetch: every data file is a script calling
   window.__nianbaoSearch(name, payload), added with a <script> tag on demand, so the same code
   works over http:// and from file://. The character rules mirror generator/search/normalise.py,
   the postings form generator/search/postings.py, the file names generator/search/buckets.py.

     NianbaoSearch.open(base) -> Promise<Engine>
     engine.meta                     {count, years, formats, regions (tree), towns, ...}
     engine.search({q, region, town, year, format, sort}) -> Promise<{count, ids, terms, files}>
     engine.page(result, start, size) -> Promise<[{id, title, url, town, region, year, format, snippet}]>
*/
(function (root) {
  "use strict";
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DECODE = {};
  for (var a = 0; a < ALPHABET.length; a++) { DECODE[ALPHABET.charCodeAt(a)] = a; }
  var MAX_GRAM = 4;
  var FIELD = "#";
  var BREAK = "\u0000";
  var SNIPPET_BEFORE = 30;
  var SNIPPET_LENGTH = 120;

  /* -- loading: one pending promise per file name, resolved when its script calls back */
  var pending = Object.create(null);

  function entry(name) {
    var e = pending[name];
    if (!e) {
      e = pending[name] = { done: false, value: null };
      e.promise = new Promise(function (resolve, reject) { e.resolve = resolve; e.reject = reject; });
    }
    return e;
  }

  root.__nianbaoSearch = function (name, payload) {
    var e = entry(name);
    if (!e.done) { e.done = true; e.value = payload; e.resolve(payload); }
  };

  function loader(base) {
    if (base && base.charAt(base.length - 1) !== "/") { base += "/"; }
    var started = Object.create(null);
    return function (name) {
      var e = entry(name);
      if (!started[name] && !e.done) {
        started[name] = true;
        var s = root.document.createElement("script");
        s.src = base + name;
        s.charset = "utf-8";
        s.onerror = function () { e.reject(new Error("search data missing: " + name)); };
        s.onload = function () { if (!e.done) { e.reject(new Error("search data did not register: " + name)); } };
        root.document.head.appendChild(s);
      }
      return e.promise;
    };
  }

  /* -- characters (see normalise.py) */
  var normCache = Object.create(null);

  function normChar(c) {
    var r = normCache[c];
    if (r !== undefined) { return r; }
    r = c;
    var n = c.normalize("NFKC").toLowerCase();
    if (Array.from(n).length === 1 && n.length === c.length) { r = n; }
    normCache[c] = r;
    return r;
  }

  function isWord(c) {
    var o = c.codePointAt(0);
    if (o < 0x80) { return (o >= 48 && o <= 57) || (o >= 65 && o <= 90) || (o >= 97 && o <= 122); }
    if (o >= 0xC0 && o <= 0x24F) { return o !== 0xD7 && o !== 0xF7; }
    if (o < 0x2E80) { return false; }
    return !((o >= 0x3000 && o <= 0x303F) || (o >= 0xFE30 && o <= 0xFE4F) || (o >= 0xFF00 && o <= 0xFF65));
  }

  /* normalised text, each non-word character replaced by BREAK (same UTF-16 length as the input) */
  function runText(s) {
    var out = [], cs = Array.from(s);
    for (var i = 0; i < cs.length; i++) {
      var c = normChar(cs[i]);
      out.push(isWord(c) ? c : (c.length === 2 ? BREAK + BREAK : BREAK));
    }
    return out.join("");
  }

  function searchTerms(q) {
    var runs = runText(q || "").split(BREAK), seen = Object.create(null), out = [];
    for (var i = 0; i < runs.length; i++) {
      if (runs[i] && !seen[runs[i]]) { seen[runs[i]] = true; out.push(runs[i]); }
    }
    return out;
  }

  function termKeys(term) {
    var cs = Array.from(term);
    if (cs.length <= MAX_GRAM) { return [term]; }
    var seen = Object.create(null), out = [];
    for (var i = 0; i + MAX_GRAM <= cs.length; i++) {
      var g = cs.slice(i, i + MAX_GRAM).join("");
      if (!seen[g]) { seen[g] = true; out.push(g); }
    }
    return out;
  }

  function fnv1a(s) {
    var bytes = unescape(encodeURIComponent(s)), h = 0x811C9DC5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  /* -- postings (see postings.py): {ids: Int32Array ascending, tfs: Uint8Array} */
  var EMPTY = { ids: new Int32Array(0), tfs: new Uint8Array(0) };

  function readNumber(s, pos) {
    var n = 0;
    for (;;) {
      var v = DECODE[s.charCodeAt(pos++)];
      if (v < 32) { return [pos, n * 32 + v]; }
      n = n * 32 + v - 32;
    }
  }

  function decode(s) {
    if (!s) { return EMPTY; }
    var ids = [], tfs = [], r;
    if (s.charAt(0) === "d") {
      r = readNumber(s, 1);
      for (var p = r[0], id = r[1]; p < s.length; p++, id++) {
        var tf = DECODE[s.charCodeAt(p)];
        if (tf) { ids.push(id); tfs.push(tf); }
      }
    } else {
      var pos = 1, prev = -1;
      while (pos < s.length) {
        r = readNumber(s, pos); prev += r[1] + 1;
        r = readNumber(s, r[0]); pos = r[0];
        ids.push(prev); tfs.push(r[1] + 1);
      }
    }
    return { ids: Int32Array.from(ids), tfs: Uint8Array.from(tfs) };
  }

  /* docs in both, tf the smaller (a long term's count is that of its rarest gram) */
  function intersect(x, y) {
    var ids = [], tfs = [], i = 0, j = 0;
    while (i < x.ids.length && j < y.ids.length) {
      if (x.ids[i] < y.ids[j]) { i++; } else if (x.ids[i] > y.ids[j]) { j++; } else {
        ids.push(x.ids[i]); tfs.push(Math.min(x.tfs[i], y.tfs[j])); i++; j++;
      }
    }
    return { ids: ids, tfs: tfs };
  }

  function contains(list, id) {
    var lo = 0, hi = list.ids.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, v = list.ids[mid];
      if (v === id) { return true; }
      if (v < id) { lo = mid + 1; } else { hi = mid - 1; }
    }
    return false;
  }

  /* -- meta: the region list becomes a tree */
  function regionTree(regions) {
    var nodes = [], top = [];
    for (var i = 0; i < regions.length; i++) {
      var r = regions[i];
      var node = { index: i, name: r[0], first: r[2], end: r[3], children: [] };
      nodes.push(node);
      (r[1] < 0 ? top : nodes[r[1]].children).push(node);
    }
    return top;
  }

  function Engine(load, meta) {
    this.load = load;
    this.raw = meta;
    var big = Object.create(null);
    for (var i = 0; i < meta.big.length; i++) { big[meta.big[i]] = i; }
    this.big = big;
    this.meta = {
      count: meta.count, years: meta.years, formats: meta.formats, regionList: meta.regions,
      regions: regionTree(meta.regions),
      towns: meta.towns.map(function (t, n) { return { index: n, name: t[0], path: t[1], first: t[2], end: t[3], region: t[4] }; })
    };
  }

  Engine.prototype.fileOf = function (gram) {
    var n = this.big[gram];
    if (n !== undefined) { return "g/" + n + ".js"; }
    return "b/" + (fnv1a(gram) % this.raw.buckets) + ".js";
  };

  Engine.prototype.yearOf = function (id) { return this.raw.yearBase + DECODE[this.raw.docYears.charCodeAt(id)]; };

  Engine.prototype.range = function (opts) {
    var first = 0, end = this.raw.count, m = this.meta;
    function narrow(a, b) { first = Math.max(first, a); end = Math.min(end, b); }
    if (opts.region !== undefined && opts.region !== null && opts.region !== "") {
      var r = this.raw.regions[+opts.region];
      if (!r) { return [0, 0]; }
      narrow(r[2], r[3]);
    }
    if (opts.town !== undefined && opts.town !== null && opts.town !== "") {
      var t = null;
      for (var i = 0; i < m.towns.length; i++) {
        if (m.towns[i].path === opts.town || String(i) === String(opts.town)) { t = m.towns[i]; break; }
      }
      if (!t) { return [0, 0]; }
      narrow(t.first, t.end);
    }
    return [first, end];
  };

  Engine.prototype.search = function (opts) {
    var self = this, terms = searchTerms(opts.q), raw = this.raw;
    if (!terms.length) { return Promise.resolve({ count: 0, ids: [], terms: [], files: 0 }); }
    var files = Object.create(null), keys = [];
    terms.forEach(function (t) { termKeys(t).forEach(function (k) { keys.push(k); files[self.fileOf(k)] = true; }); });
    var names = Object.keys(files).sort();
    return Promise.all(names.map(function (n) { return self.load(n); })).then(function (loaded) {
      var byName = Object.create(null);
      names.forEach(function (n, i) { byName[n] = loaded[i]; });
      /* a gram's postings in the searched text, or (field) in the title and town name: same file */
      function postings(gram, field) { return decode(byName[self.fileOf(gram)][field ? FIELD + gram : gram]); }
      var lists = terms.map(function (t) {
        var ks = termKeys(t), body = postings(ks[0], false), field = postings(ks[0], true);
        for (var i = 1; i < ks.length; i++) { body = intersect(body, postings(ks[i], false)); field = intersect(field, postings(ks[i], true)); }
        return { body: body, field: field };
      });
      lists.sort(function (x, y) { return x.body.ids.length - y.body.ids.length; });
      var range = self.range(opts), year = opts.year ? +opts.year : 0, format = -1;
      if (opts.format) {
        format = raw.formats.map(function (f) { return f.id; }).indexOf(opts.format);
        if (format < 0) { range = [0, 0]; }
      }
      var hits = [], base = lists[0].body;
      for (var i = 0; i < base.ids.length; i++) {
        var id = base.ids[i];
        if (id < range[0] || id >= range[1]) { continue; }
        if (year && self.yearOf(id) !== year) { continue; }
        if (format >= 0 && DECODE[raw.docFormats.charCodeAt(id)] !== format) { continue; }
        var tf = base.tfs[i], ok = true;
        for (var j = 1; j < lists.length && ok; j++) {
          var l = lists[j].body, lo = 0, hi = l.ids.length - 1, at = -1;
          while (lo <= hi) {
            var mid = (lo + hi) >> 1;
            if (l.ids[mid] === id) { at = mid; break; }
            if (l.ids[mid] < id) { lo = mid + 1; } else { hi = mid - 1; }
          }
          if (at < 0) { ok = false; } else { tf += l.tfs[at]; }
        }
        if (!ok) { continue; }
        var title = lists.every(function (l) { return contains(l.field, id); });
        hits.push({ id: id, tf: tf, title: title ? 1 : 0, year: self.yearOf(id) });
      }
      var sort = opts.sort || "relevance";
      hits.sort(function (x, y) {
        if (sort === "newest" && x.year !== y.year) { return y.year - x.year; }
        if (sort === "oldest" && x.year !== y.year) { return x.year - y.year; }
        if (sort === "relevance") {
          if (x.title !== y.title) { return y.title - x.title; }
          if (x.tf !== y.tf) { return y.tf - x.tf; }
          if (x.year !== y.year) { return y.year - x.year; }
        }
        return x.id - y.id;
      });
      /* exact: the count is final. A term longer than four characters is looked up by its
         four-character grams, so its hits are candidates until `page` has read them */
      var exact = terms.every(function (t) { return Array.from(t).length <= MAX_GRAM; });
      return { count: hits.length, ids: hits.map(function (h) { return h.id; }), terms: terms, files: names.length + 1,
        exact: exact || !hits.length, checked: 0 };
    });
  };

  function docFile(id) { return "d/" + Math.floor(id / 1000) + "/" + id + ".js"; }

  function holds(doc, terms) {
    var text = runText([doc.title, doc.town].concat(doc.region, [doc.text]).join("\n"));
    return terms.every(function (t) { return text.indexOf(t) >= 0; });
  }

  function snippet(text, terms) {
    var run = runText(text), first = -1;
    terms.forEach(function (t) { var at = run.indexOf(t); if (at >= 0 && (first < 0 || at < first)) { first = at; } });
    var start = first < 0 ? 0 : Math.max(0, first - SNIPPET_BEFORE), end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (start > 0 && /[\udc00-\udfff]/.test(text.charAt(start))) { start--; }
    var marked = new Uint8Array(end - start);
    terms.forEach(function (t) {
      for (var at = run.indexOf(t, start); at >= 0 && at < end; at = run.indexOf(t, at + 1)) {
        for (var k = at; k < Math.min(end, at + t.length); k++) { marked[k - start] = 1; }
      }
    });
    var parts = [];
    for (var i = start; i < end;) {
      var hit = marked[i - start], j = i;
      while (j < end && marked[j - start] === hit) { j++; }
      parts.push({ text: text.slice(i, j), hit: hit === 1 });
      i = j;
    }
    return parts;
  }

  /* the results [start, start + size) of `result`, checked against their text: a report that does
     not hold every term (possible only for a term longer than four characters) is removed from
     result.ids and result.count; result.checked is how many of the first results have been read,
     and result.exact becomes true once that is all of them (pages are asked for in order) */
  Engine.prototype.page = function (result, start, size) {
    var self = this;
    size = size || 10;
    var want = result.ids.slice(start, start + size);
    if (!want.length) { return Promise.resolve([]); }
    return Promise.all(want.map(function (id) { return self.load(docFile(id)); })).then(function (docs) {
      var out = [], dropped = [];
      docs.forEach(function (d, i) {
        if (!holds(d, result.terms)) { dropped.push(want[i]); return; }
        out.push({ id: want[i], title: d.title, url: d.url, town: d.town, region: d.region, year: d.year,
          format: d.format, snippet: snippet(d.text, result.terms) });
      });
      if (dropped.length) {
        result.ids = result.ids.filter(function (id) { return dropped.indexOf(id) < 0; });
        result.count = result.ids.length;
      }
      result.checked = Math.max(result.checked || 0, start + out.length);
      if (result.checked >= result.ids.length) { result.exact = true; } /* every candidate read: the count is final */
      if (!dropped.length) { return out; }
      return self.page(result, start + out.length, size - out.length).then(function (more) { return out.concat(more); });
    });
  };

  root.NianbaoSearch = {
    open: function (base) {
      var load = loader(base);
      return load("meta.js").then(function (meta) { return new Engine(load, meta); });
    },
    terms: searchTerms,
    termKeys: termKeys,
    runText: runText,
    fnv1a: fnv1a,
    decode: decode
  };
})(typeof window !== "undefined" ? window : this);
