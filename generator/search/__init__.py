"""Full-text search: one index of the reports, made in the build from the model, for the web portal and the offline archive.

`from_model` makes each report's document (title, town and regions, narrative as plain text),
`stage` writes the index into the staging folder (`search-data/`), incrementally when the last
site is there; `documents` and `writer` are the index itself, read in the browser by
`themes/default/static/search/engine.js` (the same over http:// and file://). See docs/search.md.
"""
