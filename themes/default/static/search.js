// The search page: reads ?q=, ?sort= and the filters from the address, searches every index shard
// (Pagefind's mergeIndex) and lists the matching reports. Everything it loads comes from this site.

const form = document.getElementById("search-form");
const input = document.getElementById("q");
const sortSelect = document.getElementById("sort");
const controls = document.getElementById("search-controls");
const filterBox = document.getElementById("search-filters");
const statusBox = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");

const root = new URL(form.dataset.root, location.href);
const bundles = form.dataset.bundles.split(" ").filter(Boolean);
const FILTERS = [["region", "地区"], ["town", "乡镇"], ["year", "年度"], ["format", "报告格式"]];
const PAGE_SIZE = 20;

let pagefindPromise = null;

// The first shard is the primary index; the others are merged into it, so one query covers all.
function pagefind() {
  if (!pagefindPromise) {
    pagefindPromise = (async () => {
      const baseUrl = root.pathname;
      const pf = await import(new URL(bundles[0] + "pagefind.js", root).href);
      await pf.options({ baseUrl });
      for (const bundle of bundles.slice(1)) {
        await pf.mergeIndex(new URL(bundle, root).href, { baseUrl });
      }
      await pf.init();
      await pf.filters(); // loads every filter, so that each search reports its counts per value
      return pf;
    })();
  }
  return pagefindPromise;
}

function selectedFilters(params) {
  const chosen = {};
  for (const [key] of FILTERS) {
    const values = params.getAll(key).filter(Boolean);
    if (values.length) chosen[key] = values;
  }
  return chosen;
}

function pagefindFilters(chosen) {
  const filters = {};
  for (const [key, values] of Object.entries(chosen)) filters[key] = { any: values };
  return filters;
}

// Each shard drops, on its own, the query words it has never seen (Pagefind ignores a missing word
// unless every word is missing), so a merged search can return a page of shard B that lacks a word
// found only in shard A. A single index would not. Searching each word alone tells which words
// exist somewhere; a result is kept only if it contains all of them, as with one index.
async function wordSets(pf, query) {
  const segmenter = new Intl.Segmenter("zh-CN", { granularity: "word" });
  const words = [...new Set([...segmenter.segment(query)].filter((s) => s.isWordLike).map((s) => s.segment))];
  if (words.length < 2) return [];
  const sets = [];
  for (const word of words) {
    const alone = await pf.search(word);
    if (alone.results.length) sets.push(new Set(alone.results.map((r) => r.id)));
  }
  return sets;
}

async function searchOnce(pf, term, chosen, sets) {
  const found = await pf.search(term, { filters: pagefindFilters(chosen) });
  const results = found.results.filter((r) => sets.every((set) => set.has(r.id)));
  return { results, filters: found.filters, corrected: results.length !== found.results.length };
}

// Counts per filter value over the results themselves (used when the per-shard counts included
// pages that were dropped above).
async function countFilters(results) {
  const counts = {};
  for (const data of await Promise.all(results.map((r) => r.data()))) {
    for (const [key, values] of Object.entries(data.filters || {})) {
      counts[key] = counts[key] || {};
      for (const value of values) counts[key][value] = (counts[key][value] || 0) + 1;
    }
  }
  return counts;
}

// The whole portal searched as one index: Pagefind's response shape ({results, filters}).
// Sorting by year is done here, one year at a time, rather than with Pagefind's `sort`: merged
// shards are re-ordered by score in the browser, which would interleave the per-shard year orders.
async function find(query, chosen = {}, sort = "") {
  const pf = await pagefind();
  const term = query || null;
  const sets = query ? await wordSets(pf, query) : [];
  const first = await searchOnce(pf, term, chosen, sets);
  const filters = first.corrected ? await countFilters(first.results) : first.filters;
  if (!sort) return { results: first.results, filters };
  const years = (chosen.year || Object.keys(first.filters.year || {}))
    .map(Number).sort((a, b) => (sort === "year-asc" ? a - b : b - a));
  const results = [];
  for (const year of years) {
    const one = await searchOnce(pf, term, { ...chosen, year: [String(year)] }, sets);
    results.push(...one.results);
  }
  return { results, filters };
}

function say(text) {
  statusBox.replaceChildren(Object.assign(document.createElement("p"), { textContent: text }));
}

// Pagefind's excerpt is HTML with <mark> around the matched words: keep the marks, make the rest text.
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const nodes = [];
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      nodes.push(Object.assign(document.createElement("mark"), { textContent: node.textContent }));
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

function resultItem(data) {
  const li = document.createElement("li");
  const heading = document.createElement("h2");
  const link = Object.assign(document.createElement("a"), { href: data.url, textContent: data.meta.title || data.url });
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "result-meta";
  meta.textContent = [data.meta.place, data.meta.year && `${data.meta.year}年度`].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.append(...excerptNodes(data.excerpt || ""));
  li.append(heading, meta, excerpt);
  return li;
}

function collator() {
  return new Intl.Collator("zh-CN").compare;
}

function renderFilters(counts, chosen) {
  const compare = collator();
  const groups = [];
  for (const [key, label] of FILTERS) {
    const values = Object.entries(counts[key] || {})
      .filter(([value, n]) => n > 0 || (chosen[key] || []).includes(value));
    if (!values.length) continue;
    values.sort(key === "year" ? (a, b) => Number(b[0]) - Number(a[0]) : (a, b) => b[1] - a[1] || compare(a[0], b[0]));
    const fieldset = document.createElement("fieldset");
    fieldset.append(Object.assign(document.createElement("legend"), { textContent: label }));
    for (const [value, n] of values) {
      const box = Object.assign(document.createElement("input"), { type: "checkbox", name: key, value });
      box.checked = (chosen[key] || []).includes(value);
      const labelEl = document.createElement("label");
      labelEl.append(box, ` ${key === "year" ? value + "年" : value}（${n}）`);
      fieldset.append(labelEl);
    }
    groups.push(fieldset);
  }
  filterBox.replaceChildren(...groups);
}

let generation = 0;
let current = { results: [], shown: 0 };

async function showMore(mine) {
  const batch = current.results.slice(current.shown, current.shown + PAGE_SIZE);
  const items = await Promise.all(batch.map((r) => r.data()));
  if (mine !== generation) return;
  list.append(...items.map(resultItem));
  current.shown += batch.length;
  more.hidden = current.shown >= current.results.length;
}

async function run() {
  const mine = ++generation;
  const params = new URLSearchParams(location.search);
  const query = (params.get("q") || "").trim();
  const chosen = selectedFilters(params);
  const sort = ["year-desc", "year-asc"].includes(params.get("sort")) ? params.get("sort") : "";
  input.value = query;
  sortSelect.value = sort;
  list.replaceChildren();
  more.hidden = true;
  if (!query && !Object.keys(chosen).length) {
    controls.hidden = true;
    say("请输入要查找的词语，例如镇名、“依申请公开”或“行政复议”。");
    form.dataset.state = "idle";
    return;
  }
  form.dataset.state = "searching";
  say("正在搜索……");
  let found;
  try {
    found = await find(query, chosen, sort);
  } catch (error) {
    if (mine !== generation) return;
    say("搜索索引加载失败，请稍后重试，或通过首页按地区、按年度浏览年报。");
    form.dataset.state = "error";
    return;
  }
  if (mine !== generation) return;
  controls.hidden = false;
  renderFilters(found.filters, chosen);
  current = { results: found.results, shown: 0 };
  const what = query ? `与“${query}”相关的` : "符合筛选条件的";
  if (!found.results.length) {
    say(`没有找到${what}年报。请换一个词语，或减少筛选条件。`);
  } else {
    say(`找到${what}年报 ${found.results.length} 篇。`);
    await showMore(mine);
  }
  if (mine === generation) form.dataset.state = "done";
}

function submitFromForm() {
  const params = new URLSearchParams(new FormData(form));
  for (const [key, value] of [...params]) if (!value) params.delete(key);
  history.pushState(null, "", `${location.pathname}?${params}`);
  run();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submitFromForm();
});
sortSelect.addEventListener("change", submitFromForm);
filterBox.addEventListener("change", submitFromForm);
more.addEventListener("click", () => showMore(generation));
window.addEventListener("popstate", run);

// For scripts and tests: Pagefind's own API over the merged shards, and the page's search
// (find(query, {year: ["2016"]}, "year-desc")), which returns Pagefind's result objects.
window.nianbaoSearch = { pagefind, find };

run();
