/* Offline search for the nianbao archive: a classic script, no modules, no fetch, no workers, so that
   it runs when the archive is opened from disk (file://). Its data are script files that call
   NianbaoOffline.meta / .index / .text; they are added to the page with <script> tags on demand.
   The segmentation rules mirror generator/archive/grams.py and must stay identical to them. */
(function () {
  "use strict";
  var BASE = "../offline-search/";
  var MAX_SHOWN = 100;
  var SEPARATORS = " \t\r\n\f\u000b\u00a0\u3000,;:?!\"'()<>[]{}，。、；：？！“”‘’（）《》【】「」『』〈〉…—";

  var state = { meta: null, shards: {}, texts: {}, waiting: Object.create(null), norm: Object.create(null) };

  function load(name) {
    if (state.waiting[name]) { return state.waiting[name].promise; }
    var entry = {};
    entry.promise = new Promise(function (resolve, reject) {
      entry.resolve = resolve;
      var s = document.createElement("script");
      s.src = BASE + name;
      s.charset = "utf-8";
      s.onerror = function () { reject(new Error(name)); };
      s.onload = function () { if (!entry.done) { reject(new Error(name)); } };  // loaded but did not register
      document.head.appendChild(s);
    });
    state.waiting[name] = entry;
    return entry.promise;
  }

  function arrived(name, value) {
    var entry = state.waiting[name];
    if (entry) { entry.done = true; entry.resolve(value); }
  }

  window.NianbaoOffline = {
    meta: function (m) { state.meta = m; arrived("meta.js", m); },
    index: function (n, grams) { state.shards[n] = grams; arrived("index-" + n + ".js", grams); },
    text: function (n, texts) { state.texts[n] = texts; arrived("text-" + n + ".js", texts); }
  };

  /* -- segmentation (see grams.py) */
  function chars(s) { return s.match(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g) || []; }

  function normChar(c) {
    var r = state.norm[c];
    if (r !== undefined) { return r; }
    r = c;
    var n = c.normalize ? c.normalize("NFKC").toLowerCase() : c.toLowerCase();
    if (chars(n).length === 1 && n.length === c.length) { r = n; }
    state.norm[c] = r;
    return r;
  }

  function normalise(s) {
    var out = "", cs = chars(s);
    for (var i = 0; i < cs.length; i++) { out += normChar(cs[i]); }
    return out;
  }

  function isWord(c) {
    var o = c.codePointAt ? c.codePointAt(0) : c.charCodeAt(0);
    if (o < 0x80) { return /[0-9A-Za-z]/.test(c); }
    if (o >= 0xC0 && o <= 0x24F) { return o !== 0xD7 && o !== 0xF7; }
    if (o < 0x2E80) { return false; }
    return !((o >= 0x3000 && o <= 0x303F) || (o >= 0xFE30 && o <= 0xFE4F) || (o >= 0xFF00 && o <= 0xFF65));
  }

  function terms(query) {
    var out = [], current = "", cs = chars(normalise(query));
    for (var i = 0; i < cs.length; i++) {
      if (SEPARATORS.indexOf(cs[i]) >= 0) { if (current) { out.push(current); } current = ""; }
      else { current += cs[i]; }
    }
    if (current) { out.push(current); }
    var seen = Object.create(null), unique = [];
    for (var j = 0; j < out.length; j++) { if (!seen[out[j]]) { seen[out[j]] = true; unique.push(out[j]); } }
    return unique;
  }

  function termGrams(term) {
    var cs = chars(term), pairs = [], singles = [], seen = Object.create(null);
    for (var i = 0; i < cs.length; i++) {
      if (!isWord(cs[i])) { continue; }
      if (!seen[cs[i]]) { seen[cs[i]] = true; singles.push(cs[i]); }
      if (i > 0 && isWord(cs[i - 1])) {
        var g = cs[i - 1] + cs[i];
        if (!seen[g]) { seen[g] = true; pairs.push(g); }
      }
    }
    return pairs.length ? pairs : singles;
  }

  function shardOf(gram, shards) {
    var cs = chars(gram);
    var a = cs[0].codePointAt ? cs[0].codePointAt(0) : cs[0].charCodeAt(0);
    var b = cs.length > 1 ? (cs[1].codePointAt ? cs[1].codePointAt(0) : cs[1].charCodeAt(0)) : 0;
    return (a * 65599 + b * 31 + 7) % shards;
  }

  function decode(postings) {
    var ids = [], previous = 0, parts = postings.split(",");
    for (var i = 0; i < parts.length; i++) { previous += parseInt(parts[i], 36); ids.push(previous); }
    return ids;
  }

  /* -- searching */
  function matchesFilters(doc, filters) {
    if (filters.year && doc[4] !== filters.year) { return false; }
    if (filters.town && doc[2] !== filters.town) { return false; }
    if (filters.region && doc[3].indexOf(filters.region) < 0) { return false; }
    if (filters.format && doc[5] !== filters.format) { return false; }
    return true;
  }

  function candidates(allowed, queryTerms) {
    var meta = state.meta, needed = [], shardNames = {}, list = [];
    for (var i = 0; i < queryTerms.length; i++) { needed = needed.concat(termGrams(queryTerms[i])); }
    if (!needed.length) { return Promise.resolve([]); }
    for (var j = 0; j < needed.length; j++) { shardNames["index-" + shardOf(needed[j], meta.shards) + ".js"] = true; }
    for (var name in shardNames) { if (shardNames.hasOwnProperty(name)) { list.push(load(name)); } }
    return Promise.all(list).then(function () {
      var result = allowed;
      for (var k = 0; k < needed.length && result.length; k++) {
        var postings = state.shards[shardOf(needed[k], meta.shards)][needed[k]];
        if (postings === undefined) { return []; }
        var have = {}, ids = decode(postings), next = [];
        for (var m = 0; m < ids.length; m++) { have[ids[m]] = true; }
        for (var n = 0; n < result.length; n++) { if (have[result[n]]) { next.push(result[n]); } }
        result = next;
      }
      return result;
    });
  }

  function run(query, filters) {
    var meta = state.meta, allowed = [];
    for (var i = 0; i < meta.docs.length; i++) { if (matchesFilters(meta.docs[i], filters)) { allowed.push(i); } }
    var queryTerms = terms(query);
    if (!queryTerms.length) {
      return Promise.resolve(allowed.map(function (id) { return { id: id, score: 0, text: null }; }));
    }
    return candidates(allowed, queryTerms).then(function (ids) {
      var chunkNames = {}, list = [];
      for (var j = 0; j < ids.length; j++) { chunkNames["text-" + meta.docs[ids[j]][6] + ".js"] = true; }
      for (var name in chunkNames) { if (chunkNames.hasOwnProperty(name)) { list.push(load(name)); } }
      return Promise.all(list).then(function () {
        var chunkStart = {}, hits = [];
        for (var d = 0; d < meta.docs.length; d++) {
          if (chunkStart[meta.docs[d][6]] === undefined) { chunkStart[meta.docs[d][6]] = d; }
        }
        for (var k = 0; k < ids.length; k++) {
          var doc = meta.docs[ids[k]];
          var text = state.texts[doc[6]][ids[k] - chunkStart[doc[6]]];
          var folded = normalise(text), score = 0, all = true;
          for (var t = 0; t < queryTerms.length && all; t++) {
            var count = 0, at = folded.indexOf(queryTerms[t]);
            while (at >= 0) { count++; at = folded.indexOf(queryTerms[t], at + queryTerms[t].length); }
            if (!count) { all = false; }
            score += count;
          }
          if (all) { hits.push({ id: ids[k], score: score, text: text, folded: folded }); }
        }
        hits.sort(function (x, y) {
          return (y.score - x.score) || (meta.docs[y.id][4] < meta.docs[x.id][4] ? -1 : meta.docs[y.id][4] > meta.docs[x.id][4] ? 1 : 0) || (x.id - y.id);
        });
        return hits;
      });
    });
  }

  /* -- the page */
  function params() {
    var out = Object.create(null), s = window.location.search.replace(/^\?/, "");
    if (!s) { return out; }
    var parts = s.split("&");
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split("="), key, value;
      try {
        key = decodeURIComponent(kv[0].replace(/\+/g, " "));
        value = decodeURIComponent((kv.slice(1).join("=") || "").replace(/\+/g, " "));
      } catch (e) { continue; }
      if (!(key in out)) { out[key] = value; }
    }
    return out;
  }

  function excerpt(hit, queryTerms) {
    var folded = hit.folded, text = hit.text, first = -1;
    for (var i = 0; i < queryTerms.length; i++) {
      var at = folded.indexOf(queryTerms[i]);
      if (at >= 0 && (first < 0 || at < first)) { first = at; }
    }
    var start = Math.max(0, first - 30), end = Math.min(text.length, first + 90);
    var marks = [];
    for (var j = 0; j < queryTerms.length; j++) {
      var pos = folded.indexOf(queryTerms[j], start);
      while (pos >= 0 && pos < end) {
        marks.push([pos, Math.min(end, pos + queryTerms[j].length)]);
        pos = folded.indexOf(queryTerms[j], pos + queryTerms[j].length);
      }
    }
    marks.sort(function (a, b) { return (a[0] - b[0]) || (b[1] - a[1]); });
    var p = document.createElement("p"), cursor = start;
    p.className = "excerpt";
    if (start > 0) { p.appendChild(document.createTextNode("…")); }
    for (var k = 0; k < marks.length; k++) {
      if (marks[k][0] < cursor) { continue; }
      p.appendChild(document.createTextNode(text.slice(cursor, marks[k][0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(marks[k][0], marks[k][1]);
      p.appendChild(mark);
      cursor = marks[k][1];
    }
    p.appendChild(document.createTextNode(text.slice(cursor, end)));
    if (end < text.length) { p.appendChild(document.createTextNode("…")); }
    return p;
  }

  function fillSelect(select, values, chosen) {
    if (!select) { return; }
    for (var i = 0; i < values.length; i++) {
      var o = document.createElement("option");
      o.value = values[i];
      o.textContent = select.name === "year" ? values[i] + "年" : values[i];
      if (values[i] === chosen) { o.selected = true; }
      select.appendChild(o);
    }
    var wrap = select.parentNode;
    if (wrap && values.length < 2 && !chosen) { wrap.hidden = true; }
  }

  function render(hits, query, queryTerms) {
    var list = document.getElementById("offline-results"), status = document.getElementById("offline-status");
    list.textContent = "";
    var shown = Math.min(hits.length, MAX_SHOWN);
    for (var i = 0; i < shown; i++) {
      var doc = state.meta.docs[hits[i].id];
      var li = document.createElement("li"), h = document.createElement("h2"), a = document.createElement("a");
      li.setAttribute("data-url", doc[0]);
      a.href = "../" + doc[0];
      a.textContent = doc[1];
      h.appendChild(a);
      li.appendChild(h);
      var info = document.createElement("p");
      info.className = "meta";
      info.textContent = [doc[2], doc[4] ? doc[4] + "年度" : ""].filter(Boolean).join(" · ");
      li.appendChild(info);
      if (hits[i].text !== null) { li.appendChild(excerpt(hits[i], queryTerms)); }
      list.appendChild(li);
    }
    if (!hits.length) {
      status.textContent = query ? "没有找到包含“" + query + "”的年报。请换一个词，或减少筛选条件。" : "没有符合筛选条件的年报。";
    } else {
      status.textContent = "找到 " + hits.length + " 份年报" + (hits.length > shown ? "，显示前 " + shown + " 份；请加上检索词或筛选条件缩小范围" : "") + "。";
    }
  }

  function start() {
    var form = document.getElementById("offline-search");
    if (!form) { return; }
    var p = params(), query = (p.q || "").trim();
    var filters = { year: p.year || "", town: p.town || "", region: p.region || "", format: p.format || "" };
    var box = document.getElementById("offline-q"), status = document.getElementById("offline-status");
    box.value = query;
    var boxes = document.querySelectorAll("input[name=q]");  // the header's search box too, if the site has one
    for (var b = 0; b < boxes.length; b++) { boxes[b].value = query; }
    status.textContent = "正在载入索引……";
    load("meta.js").then(function (meta) {
      fillSelect(document.getElementById("offline-year"), meta.facets.year, filters.year);
      fillSelect(document.getElementById("offline-town"), meta.facets.town, filters.town);
      fillSelect(document.getElementById("offline-region"), meta.facets.region, filters.region);
      fillSelect(document.getElementById("offline-format"), meta.facets.format, filters.format);
      if (!terms(query).length && !filters.year && !filters.town && !filters.region && !filters.format) {
        status.textContent = "请输入检索词（如乡镇名称、“依申请公开”“行政复议”），可按年度、乡镇筛选。共收录 " + meta.docs.length + " 份年报。";
        document.body.setAttribute("data-search-done", "idle");
        return null;
      }
      var queryTerms = terms(query);
      return run(query, filters).then(function (hits) {
        render(hits, query, queryTerms);
        document.body.setAttribute("data-search-done", "true");
      });
    }).catch(function (e) {
      status.textContent = "检索索引载入失败（" + e.message + "）。请确认存档已完整解压，或从首页逐级浏览。";
      document.body.setAttribute("data-search-done", "error");
    });
  }

  window.NianbaoOffline.search = function (query, filters) {
    return load("meta.js").then(function () { return run(query || "", filters || {}); }).then(function (hits) {
      return hits.map(function (h) { return state.meta.docs[h.id][0]; });
    });
  };

  /* the segmentation, for checking it against grams.py */
  window.NianbaoOffline.terms = terms;
  window.NianbaoOffline.termGrams = termGrams;
  window.NianbaoOffline.shardOf = shardOf;

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
