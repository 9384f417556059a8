"""A sentence that an indicator's pattern reads back: built from the pattern itself.

The indicator patterns in `indicators.yaml` say how narratives state a figure
("主动公开政府信息(?:合计|共计|共)?(?P<n>\\d+)条"). Walking the parsed regular expression and
taking, at each choice, a first alternative, the shortest repetition and a plain literal gives a
phrase that matches, with the value in group `n`. The caller checks the result with the same
reader the lint uses, so a pattern this cannot follow is simply not used.
"""

from __future__ import annotations

import random
from functools import lru_cache

try:
    import re._parser as _sre  # Python ≥ 3.11
    from re._constants import (  # type: ignore[import-not-found]
        ANY, ASSERT, ASSERT_NOT, AT, BRANCH, CATEGORY, CATEGORY_DIGIT, IN, LITERAL, MAX_REPEAT, MIN_REPEAT,
        NEGATE, NOT_LITERAL, RANGE, SUBPATTERN,
    )
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _sre  # type: ignore[no-redef]
    from sre_constants import (  # type: ignore[no-redef]
        ANY, ASSERT, ASSERT_NOT, AT, BRANCH, CATEGORY, CATEGORY_DIGIT, IN, LITERAL, MAX_REPEAT, MIN_REPEAT,
        NEGATE, NOT_LITERAL, RANGE, SUBPATTERN,
    )


class Unfollowable(Exception):
    pass


def phrase_for(pattern: str, value: str, rng: random.Random) -> str:
    """A string matching `pattern` whose group `n` is `value`."""
    items, group_n = _parsed(pattern)
    if group_n is None:
        raise Unfollowable(pattern)
    return _emit(items, group_n, value, rng)


@lru_cache(maxsize=256)
def _parsed(pattern: str) -> tuple[list, int | None]:  # type: ignore[type-arg]
    parsed = _sre.parse(pattern)
    return list(parsed), parsed.state.groupdict.get("n")


def _emit(items: list, group_n: int, value: str, rng: random.Random) -> str:  # type: ignore[type-arg]
    out: list[str] = []
    for op, arg in items:
        if op is LITERAL:
            out.append(chr(arg))
        elif op is SUBPATTERN:
            group, _add, _del, sub = arg
            out.append(value if group == group_n else _emit(list(sub), group_n, value, rng))
        elif op is BRANCH:
            _, alternatives = arg
            # the optional words of a pattern are mostly variants: pick any, for variety
            out.append(_emit(list(rng.choice(alternatives)), group_n, value, rng))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            low, high, sub = arg
            count = 1 if low == 0 and high >= 1 and rng.random() < 0.5 else low
            out.append("".join(_emit(list(sub), group_n, value, rng) for _ in range(count)))
        elif op is IN:
            out.append(_one_of(arg))
        elif op is CATEGORY and arg is CATEGORY_DIGIT:
            out.append("1")
        elif op in (AT, ASSERT, ASSERT_NOT):
            continue
        elif op is ANY:
            out.append("的")
        elif op is NOT_LITERAL:
            out.append("的" if chr(arg) != "的" else "之")
        else:
            raise Unfollowable(str(op))
    return "".join(out)


def _one_of(items: list) -> str:  # type: ignore[type-arg]
    if items and items[0][0] is NEGATE:
        raise Unfollowable("negated class")
    for op, arg in items:
        if op is LITERAL:
            return chr(arg)
        if op is RANGE:
            return chr(arg[0])
        if op is CATEGORY and arg is CATEGORY_DIGIT:
            return "1"
    raise Unfollowable("class")
