"""The one hidden folder beside the output that holds whatever a build keeps there.

`.<out>.nianbao/` (beside the real folder when `out` is a link, so on its file system: the
staging folder is swapped with the output by a rename):

- `lock`: held by the one build writing to `out`;
- `cache.sqlite`, `templates/`: the build cache (`cache`) and Jinja's compiled templates;
- `snapshot`: what the last build read and left, when the site is its own (`snapshot`);
- `building-<pid>/`: the staging folder of a running build;
- `next/`: the next build's staging folder (`clone`), `next-tmp-<pid>/` while it is made;
- `old/`: the replaced site, for a moment, where the swap takes two renames;

Nothing else appears beside the output.
"""

from __future__ import annotations

from pathlib import Path

CACHE_FILE = "cache.sqlite"


def state_dir(out: Path) -> Path:
    """The hidden folder of `out`, made by the first build that needs it."""
    if out.is_symlink():  # the site is published into the linked folder: the state lives beside that one
        out = out.resolve()
    return out.parent / f".{out.name}.nianbao"
