"""The offline archive: one deterministic zip of a built site that works opened from disk (file://).

`extract` reads each report page's indexed text and facets from the built HTML, `grams` is the
character segmentation shared with the browser engine, `offline_index` writes the index as classic
script files, `offline_page` makes the search page, `manifest` hashes and checks files, and `pack`
writes the zip. See docs/archive.md.
"""
