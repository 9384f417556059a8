// The search page: reads ?q=, ?sort= and the filters from the address, searches every index bundle
// (Pagefind's mergeIndex) and lists the matching reports. Everything it loads comes from this site.
// The bundles are listed in pagefind/layers.json: the base shards, and maybe a small bundle of
// recent edits whose pages' older entries in the base shards are "masked" (see docs/search.md).

const form = document.getElementById("search-form");
const input = document.getElementById("q");
const sortSelect = document.getElementById("sort");
const controls = document.getElementById("search-controls");
const filterBox = document.getElementById("search-filters");
const statusBox = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");

const root = new URL(form.dataset.root, location.href);
const FILTERS = [["region", "地区"], ["town", "乡镇"], ["year", "年度"], ["format", "报告格式"]];
const PAGE_SIZE = 20;

let pagefindPromise = null;
let layers = { bundles: [], masked: new Map() };

// The first bundle is the primary index; the others are merged into it, so one query covers all.
// Each bundle is tagged with the hidden filter `shard` (Pagefind's mergeFilter), never in the pages.
function pagefind() {
  if (!pagefindPromise) {
    pagefindPromise = (async () => {
      const response = await fetch(new URL("pagefind/layers.json", root), { cache: "no-cache" });
      if (!response.ok) throw new Error(`layers.json: ${response.status}`);
      const raw = await response.json();
      layers = { bundles: raw.bundles, masked: new Map(raw.masked.map((m) => [m.id, m])) };
      const baseUrl = root.pathname;
      const [primary, ...others] = layers.bundles;
      const pf = await import(new URL(primary.path + "pagefind.js", root).href);
      await pf.options({ baseUrl, mergeFilter: { shard: primary.shard } });
      for (const bundle of others) {
        await pf.mergeIndex(new URL(bundle.path, root).href, { baseUrl, mergeFilter: { shard: bundle.shard } });
      }
      await pf.init();
      await pf.filters(); // loads every filter, so that each search reports its counts per value
      return pf;
    })();
  }
  return pagefindPromise;
}

// Pagefind's search without the masked entries (older versions of pages in the recent-edits
// bundle, or of deleted pages): they leave the results, and their filter values, known from
// layers.json, leave the counts. Nothing is loaded for this.
async function searchLive(pf, term, options) {
  const found = await pf.search(term, options);
  if (!layers.masked.size) return found;
  const dropped = found.results.filter((r) => layers.masked.has(r.id));
  if (!dropped.length) return found;
  const filters = {};
  for (const [key, values] of Object.entries(found.filters || {})) filters[key] = { ...values };
  for (const r of dropped) {
    const entry = layers.masked.get(r.id);
    for (const [key, values] of Object.entries({ ...entry.filters, shard: [entry.shard] })) {
      for (const value of values) {
        if (filters[key] && value in filters[key]) filters[key][value] -= 1;
      }
    }
  }
  return { ...found, results: found.results.filter((r) => !layers.masked.has(r.id)), filters };
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

// One index per shard, merged: each shard reads the query against its own words only. Pagefind
// matches a query word by the indexed words that begin with it; if there are none, by the longest
// indexed word it begins with; if none either, the query word is ignored. Each shard decides this
// alone, so a shard that lacks a word the others have answers a different question. For every query
// word we find which of the three cases a single index over the whole portal would be in, and keep
// only the shards in the same case with the same word: they answer exactly as that single index.
// See docs/search.md.
const WORDS = typeof Intl.Segmenter === "function" ? new Intl.Segmenter("zh-CN", { granularity: "word" }) : null;

function queryWords(query) {
  // Without Intl.Segmenter, Pagefind itself keeps each space-separated part whole.
  const segments = WORDS ? [...WORDS.segment(query)] : query.split(/\s+/).map((segment) => ({ segment, isWordLike: segment !== "" }));
  const words = segments.filter((s) => s.isWordLike).map((s) => s.segment.toLocaleLowerCase());
  return [...new Set(words)];
}

function wordStart(token) {
  return token.replace(/^[^\p{L}\p{N}]+/u, "").toLocaleLowerCase();
}

// Does `shard` index a word beginning with `word`? Otherwise its matches begin differently.
// (Asked of a live entry: a masked one may hold words the page no longer has.)
async function shardExtends(pf, word, shard) {
  const found = await searchLive(pf, word, { filters: { shard } });
  if (!found.results.length) return false;
  const data = await found.results[0].data();
  const tokens = data.raw_content.split("\u200B");
  return data.locations.some((at) => wordStart(tokens[at] || "").startsWith(word));
}

function shardsWithResults(found) {
  return Object.entries(found.filters.shard || {}).filter(([, n]) => n > 0).map(([shard]) => shard);
}

// The shards that match `word` the way a single index would, or null when it would ignore the word.
async function shardsMatching(pf, word) {
  const extending = [];
  for (const shard of shardsWithResults(await searchLive(pf, word))) {
    if (await shardExtends(pf, word, shard)) extending.push(shard);
  }
  if (extending.length) return extending;
  const chars = [...word];
  for (let n = chars.length - 1; n > 0; n--) {
    const holding = shardsWithResults(await searchLive(pf, `"${chars.slice(0, n).join("")}"`));
    if (holding.length) return holding;
  }
  return null;
}

// The shards allowed to answer `query`, or null for all of them.
async function answeringShards(pf, query) {
  const all = layers.bundles.map((b) => b.shard);
  if (all.length < 2 || !query) return null;
  let allowed = all;
  for (const word of queryWords(query)) {
    const matching = await shardsMatching(pf, word);
    if (matching) allowed = allowed.filter((shard) => matching.includes(shard));
  }
  return allowed.length === all.length ? null : allowed;
}

// The whole portal searched as one index: Pagefind's response shape ({results, filters}).
// Sorting by year is done here, one year at a time, rather than with Pagefind's `sort`: merged
// shards are re-ordered by score in the browser, which would interleave the per-shard year orders.
async function find(query, chosen = {}, sort = "") {
  const pf = await pagefind();
  const term = query || null;
  const shards = await answeringShards(pf, query);
  if (shards && !shards.length) return { results: [], filters: {} };
  const search = async (filters) => {
    const options = { filters: pagefindFilters(filters) };
    if (shards) options.filters.shard = { any: shards };
    return searchLive(pf, term, options);
  };
  const first = await search(chosen);
  if (!sort) return { results: first.results, filters: first.filters };
  const years = (chosen.year || Object.keys(first.filters.year || {}))
    .map(Number).sort((a, b) => (sort === "year-asc" ? a - b : b - a));
  const results = [];
  for (const year of years) {
    results.push(...(await search({ ...chosen, year: [String(year)] })).results);
  }
  return { results, filters: first.filters };
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

// For scripts and tests: Pagefind's own API over the merged bundles, and the page's search
// (find(query, {year: ["2016"]}, "year-desc")), which returns Pagefind's result objects.
window.nianbaoSearch = { pagefind, find, layers: () => layers };

run();
