"""The offline archive: one deterministic zip of a built site that works opened from disk (file://).

The site is packed as it is: its search page and index (`search-data/`, classic scripts) work from
disk as on the web. `manifest` hashes and checks files, `pack` writes the zip, `verify` checks
one. See docs/archive.md.
"""
