// The search page: reads ?q=, the filters and the sort from the address, searches the portal's
// index (assets/search/engine.js over search-data/) and lists the reports that hold the query,
// ten at a time. Classic script, nothing fetched: it works the same over http:// and from disk.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var controls = document.getElementById("search-controls");
  var statusBox = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var selects = {
    region: document.getElementById("f-region"),
    town: document.getElementById("f-town"),
    year: document.getElementById("f-year"),
    format: document.getElementById("f-format"),
    sort: document.getElementById("sort"),
  };
  var PAGE_SIZE = 10;
  var SORTS = ["newest", "oldest"];
  var root = new URL(form.getAttribute("data-root") || "./", location.href);
  var enginePromise = null;
  var generation = 0;
  var current = null; // {result, shown}

  function say(text) {
    var p = document.createElement("p");
    p.textContent = text;
    statusBox.replaceChildren(p);
  }

  function engine() {
    if (!enginePromise) enginePromise = window.NianbaoSearch.open(form.getAttribute("data-index"));
    return enginePromise;
  }

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = String(value);
    o.textContent = label;
    select.append(o);
  }

  // The region tree, flattened in order, each level indented so that the list reads as a tree.
  function regionOptions(nodes, depth, out) {
    (nodes || []).forEach(function (node) {
      out.push({ value: node.index, label: "\u3000".repeat(depth) + node.name });
      regionOptions(node.children, depth + 1, out);
    });
    return out;
  }

  function fillFilters(meta) {
    if (selects.year.options.length > 1) return;
    regionOptions(meta.regions, 0, []).forEach(function (r) { option(selects.region, r.value, r.label); });
    (meta.towns || []).forEach(function (t) {
      var parent = meta.regionList[t.region]; // [name, parent, first, end] of the division above the town
      var where = parent ? parent[0] : "";
      option(selects.town, t.path, where ? where + " " + t.name : t.name);
    });
    (meta.years || []).slice().sort(function (a, b) { return b - a; }).forEach(function (y) { option(selects.year, y, y + "年"); });
    (meta.formats || []).forEach(function (f) { option(selects.format, f.id, f.name); });
  }

  function chosenFrom(params) {
    var chosen = {};
    ["region", "town", "year", "format"].forEach(function (key) {
      var value = params.get(key);
      if (value) chosen[key] = value;
    });
    var sort = params.get("sort");
    if (SORTS.indexOf(sort) >= 0) chosen.sort = sort;
    return chosen;
  }

  function showChosen(query, chosen) {
    input.value = query;
    Object.keys(selects).forEach(function (key) {
      var select = selects[key];
      var value = chosen[key] || "";
      select.value = value;
      if (select.value !== value) select.value = ""; // not in the index (an old address): all
    });
  }

  function snippetNodes(parts) {
    return (parts || []).map(function (part) {
      if (!part.hit) return document.createTextNode(part.text);
      var mark = document.createElement("mark");
      mark.textContent = part.text;
      return mark;
    });
  }

  function resultItem(item) {
    var li = document.createElement("li");
    li.setAttribute("data-id", String(item.id));
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = new URL(item.url, root).href;
    link.textContent = item.title;
    heading.append(link);
    var meta = document.createElement("p");
    meta.className = "result-meta";
    var place = (item.region || []).concat([item.town]).join(" ");
    meta.textContent = place + " · " + item.year + "年度";
    var excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.append.apply(excerpt, snippetNodes(item.snippet));
    li.append(heading, meta, excerpt);
    return li;
  }

  function sayCount(query, result) {
    if (!result.count) {
      say("没有找到含有“" + query + "”的年报。请换一个词语，或减少筛选条件。");
    } else {
      say(result.exact ? "找到 " + result.count + " 篇含有“" + query + "”的年报。"
        : "已找到 " + result.checked + " 篇含有“" + query + "”的年报，另有 " + (result.count - result.checked)
          + " 篇含有这个词语的每四个字、有待核对（长于四个字的词语按每四个字查找），点“显示更多”时核对。");
    }
  }

  function showMore(mine, focusFirst) {
    var state = current;
    return engine().then(function (e) {
      return e.page(state.result, state.shown, PAGE_SIZE);
    }).then(function (items) {
      if (mine !== generation) return;
      var nodes = items.map(resultItem);
      list.append.apply(list, nodes);
      state.shown += PAGE_SIZE;
      sayCount(state.query, state.result); // verification may have dropped a candidate
      more.hidden = state.shown >= state.result.ids.length;
      if (focusFirst && nodes.length) nodes[0].querySelector("a").focus();
    });
  }

  function run() {
    var mine = ++generation;
    var params = new URLSearchParams(location.search);
    var query = (params.get("q") || "").trim();
    var chosen = chosenFrom(params);
    list.replaceChildren();
    more.hidden = true;
    form.setAttribute("data-state", "loading");
    return engine().then(function (e) {
      if (mine !== generation) return;
      fillFilters(e.meta);
      controls.hidden = false;
      showChosen(query, chosen);
      if (!query) {
        say("请输入要查找的词语，例如镇名、“依申请公开”或“行政复议”；可再按地区、乡镇、年度、报告格式筛选。");
        form.setAttribute("data-state", "idle");
        return;
      }
      say("正在搜索……");
      var options = { q: query, sort: chosen.sort || "relevance" };
      ["region", "town", "format"].forEach(function (key) { if (chosen[key]) options[key] = chosen[key]; });
      if (chosen.year) options.year = Number(chosen.year);
      return e.search(options).then(function (result) {
        if (mine !== generation) return;
        current = { result: result, shown: 0, query: query };
        if (result.exact) sayCount(query, result); // else said once the first page has been read
        return showMore(mine, false);
      }).then(function () {
        if (mine === generation) form.setAttribute("data-state", "done");
      });
    }).catch(function () {
      if (mine !== generation) return;
      say("搜索索引加载失败，请稍后重试，或通过首页按地区、按年度浏览年报。");
      form.setAttribute("data-state", "error");
    });
  }

  function submitFromForm() {
    var params = new URLSearchParams();
    var query = input.value.trim();
    if (query) params.set("q", query);
    Object.keys(selects).forEach(function (key) { if (selects[key].value) params.set(key, selects[key].value); });
    var address = location.pathname + (params.toString() ? "?" + params : "");
    try {
      history.pushState(null, "", address);
    } catch (error) {
      // some browsers refuse history on file:// pages: the search runs all the same
    }
    if (location.search.replace(/^\?/, "") !== params.toString()) {
      location.search = params.toString(); // the address could not be changed in place
      return;
    }
    run();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitFromForm();
  });
  Object.keys(selects).forEach(function (key) { selects[key].addEventListener("change", submitFromForm); });
  more.addEventListener("click", function () {
    more.disabled = true;
    showMore(generation, true).then(function () { more.disabled = false; }, function () { more.disabled = false; });
  });
  window.addEventListener("popstate", run);
  run();
})();
