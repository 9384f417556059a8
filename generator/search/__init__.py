"""Full-text search for the web portal: report pages indexed by Pagefind (extended, for Chinese) in shards.

`shards` decides which report goes into which index (stable across builds); `indexer` runs one
Pagefind process per shard, several at a time within a memory budget, inside the staging folder,
keeps unchanged shards (hard links) and indexes a few changed pages into a small overlay;
`manifest` records what each bundle holds. The search page (`themes/default/templates/search.html`
+ `assets/search.js`) reads `pagefind/layers.json` and merges the bundles in the browser with
Pagefind's `mergeIndex`, so one query covers the whole portal. See docs/search.md.
"""
