"""Full-text search: one index of the reports, made in the build from the model, for the web portal and the offline archive.

`documents` makes each report's document from the model (title, town and regions, narrative as
plain text), `stage` writes the index into the staging folder (`search-data/`), reusing the last
site's files where they did not change; `writer` and its helpers are the index, read in the browser by
`themes/default/static/search/engine.js` (the same over http:// and file://). See docs/search.md.
"""
