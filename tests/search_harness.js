/* Runs themes/default/static/search/engine.js in Node over a written search-data/ folder.
   usage: node search_harness.js <engine.js> <search-data dir>  (stdin: JSON list of queries)
   Each query is {q, region, town, year, format, sort, pages}; it is answered by a fresh engine
   (nothing cached), and the output lists, per query: count and ids from search(), the entries of
   the first `pages` pages of 10 (all pages when pages is -1), the count after those pages were
   checked, and the files and bytes the page loaded. A <script> tag is imitated: its file is read
   and run in the same context. */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [enginePath, base] = process.argv.slice(2);
const engineCode = fs.readFileSync(enginePath, "utf8");
const queries = JSON.parse(fs.readFileSync(0, "utf8"));

function context() {
  const loaded = { files: 0, bytes: 0 };
  const sandbox = { console, loaded };
  sandbox.window = sandbox;
  sandbox.document = {
    createElement: () => ({}),
    head: {
      appendChild(s) {
        setImmediate(() => {
          const file = s.src;
          let code;
          try { code = fs.readFileSync(file); } catch (e) { s.onerror(); return; }
          loaded.files += 1; loaded.bytes += code.length;
          vm.runInContext(code.toString("utf8"), sandbox, { filename: file });
          s.onload();
        });
      },
    },
  };
  vm.createContext(sandbox);
  vm.runInContext(engineCode, sandbox, { filename: enginePath });
  return sandbox;
}

async function answer(query) {
  const box = context();
  const engine = await box.NianbaoSearch.open(base.endsWith("/") ? base : base + "/");
  const started = process.hrtime.bigint();
  const result = await engine.search(query);
  const found = { count: result.count, ids: result.ids.slice(), terms: result.terms, files: result.files };
  const pages = query.pages === undefined ? 1 : query.pages;
  const shown = [];
  for (let p = 0; pages < 0 || p < pages; p++) {
    const page = await engine.page(result, p * 10, 10);
    if (!page.length) break;
    shown.push(...page);
  }
  const firstMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { ...found, checkedCount: result.count, checkedIds: result.ids, shown,
           loadedFiles: box.loaded.files, loadedBytes: box.loaded.bytes, ms: firstMs };
}

(async () => {
  const out = [];
  for (const q of queries) out.push(await answer(q));
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
