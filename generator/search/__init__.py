"""Full-text search for the web portal: report pages indexed by Pagefind (extended, for Chinese) in shards.

`shards` decides which report goes into which index (stable across builds); `indexer` runs one
Pagefind process per shard, several at a time within a memory budget, inside the staging folder.
The search page (`themes/default/templates/search.html` + `assets/search.js`) merges the shards in
the browser with Pagefind's `mergeIndex`, so one query covers the whole portal. See docs/search.md.
"""
