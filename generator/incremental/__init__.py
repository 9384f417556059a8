"""What an incremental build reuses, in one place.

One question is answered here: given what the last build made (`cache`: its reports, its pages'
fingerprints and files) and what this build plans, what must be made, what is kept and what is
removed (`reuse.decide` -> `reuse.Work`). The rest of the build acts on that value: rendering
renders the pages to make, staging writes and swaps.

- `fingerprint`: what a result was made from, as a short digest;
- `cache`: the last build's reports and records, read whole and written by changed rows (SQLite);
  `cache.Memory` keeps them in memory for a caller that builds again and again (`serve`);
- `reuse`: page fingerprints, the decision (`Work`) and whether the current site is intact;
- `stamps`: how a file or folder of the site is recognised as the one written (one `stat`);
- `snapshot`: every input's stat and the site's stamps after a build, so that the next one,
  finding nothing changed, does nothing at all (not even reading the cache);
- `splice`: the site-wide data files written piece by piece from the previous file;
- `clone`: the next build's staging folder, made from the replaced site;
- `state`: the one hidden folder beside the output that holds all of it.

The package sits below the renderers (`render/data_export.py` describes its files as splices)
and knows pages only by the attributes it reads (`reuse.Planned`).
"""
