"""Official tables rendered once per layout by the theme's own macro, then filled with each report's numbers.

An official table's HTML depends on the report only through its value cells: the kind of
each value (not in the report, left blank, negative, a number: `tables.value_kind`) sets the
cell's class, and the number is the cell's text. Everything else (captions, header cells,
spans, ids, `headers` attributes) comes from the format. So for each *layout* (a table of a
format, and the kinds of all its cells) the theme's `official_table` macro (the publisher's
`_table.html` when the theme overrides it) is called once, on the drawn table with a
placeholder in place of every number; each report's page then gets that text with its own
escaped numbers put where the placeholders were.

A layout is used only when the macro is shown to treat the numbers as text it writes out,
else the macro renders that layout for every report, as it would without this module:

1. a placeholder may only be written out (Jinja escapes it through `__html__`); any other use
   (compared, tested for truth, measured, converted, iterated, its attributes read, turned
   into a string by a filter) marks the layout as depending on the values;
2. a second rendering with placeholders of another length and other characters must give
   the same text around them, in the same order (so nothing was computed from what was
   written in their place);
3. the filled table for the first report of the layout must equal the macro's own rendering
   of that report, byte for byte.

The layouts are kept per Jinja environment, so per render process (workers are forked and
build their own environment). Their number is bounded, and a table whose reports rarely
share a layout (many different blank cells, say) stops making new ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

from markupsafe import Markup, escape

from generator.formats.spec import Table
from generator.source.numbers import Number, format_number
from generator.render.tables import NEGATIVE, NUMBER, ReportTable, draw, value_kind

MAX_MACROS = 8  # a template importing the macro `with context` makes a new one per page: those are not cached
MAX_LAYOUTS = 4096
TRIAL = 32  # lookups of a table before its share of new layouts is judged
MAX_NEW_SHARE = 0.25  # above this share of lookups making a new layout, a table makes no more

# Private-use characters delimit the placeholders; a table whose own text holds them is not filled.
# Two shapes of placeholder: the text between them must not depend on which was written.
_FAMILIES: tuple[tuple[Callable[[int], str], re.Pattern[str]], ...] = (
    (lambda i: f"\ue000{i}\ue001", re.compile("\ue000([0-9]+)\ue001")),
    (lambda i: f"\ue002{i:07d}-.,\u2212\u00a0x\ue003", re.compile("\ue002([0-9]{7})-\\.,\u2212\u00a0x\ue003")),
)
_DELIMITERS = re.compile("[\ue000-\ue003]")


class ValueDependent(Exception):
    """The macro used a number as something other than text to write out."""


class _Probe:
    __slots__ = ("used",)

    def __init__(self) -> None:
        self.used = False


class _Placeholder:
    """Stands for a number while a layout is rendered: it may be written out, nothing else."""

    __slots__ = ("_marker", "_probe")

    def __init__(self, marker: str, probe: _Probe) -> None:
        self._marker = marker
        self._probe = probe

    def __html__(self) -> str:
        return self._marker

    def _used(self, *args: Any, **kwargs: Any) -> Any:
        self._probe.used = True
        raise ValueDependent("the table macro uses a value as more than text")

    def __getattr__(self, name: str) -> Any:
        return self._used()

    __str__ = __repr__ = __format__ = __bool__ = __len__ = __iter__ = __reversed__ = __contains__ = _used
    __getitem__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = __call__ = _used
    __int__ = __float__ = __complex__ = __index__ = __round__ = __trunc__ = __floor__ = __ceil__ = _used
    __abs__ = __neg__ = __pos__ = __invert__ = __fspath__ = __bytes__ = _used
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _used
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __divmod__ = __rdivmod__ = __pow__ = __rpow__ = _used
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = __lshift__ = __rlshift__ = __rshift__ = __rrshift__ = _used
    __matmul__ = __rmatmul__ = _used


@dataclass(frozen=True)
class _Layout:
    """The macro's text for one layout: `text % numbers`, the numbers being those of `cells`, escaped."""

    text: str
    cells: tuple[str, ...]

    def fill(self, values: Mapping[str, Number | None]) -> Markup:
        numbers = []
        for cell in self.cells:
            value = values[cell]
            # an int's text is digits and a minus sign, which escaping leaves alone
            numbers.append(str(value) if type(value) is int else escape(format_number(value)))
        return Markup(self.text % tuple(numbers))


@dataclass
class _TableStats:
    lookups: int = 0
    made: int = 0
    closed: bool = False  # makes no new layouts


@dataclass
class TableFiller:
    """`filled_table(official_table, t)` in templates: the macro's output for `t`, from a layout when one proves equivalent."""

    layouts: dict[tuple[int, int, str, str], _Layout | None] = field(default_factory=dict)
    macros: dict[int, Callable[..., Any]] = field(default_factory=dict)  # kept alive so that their ids stay unique
    tables: dict[int, Table] = field(default_factory=dict)
    stats: dict[tuple[int, int], _TableStats] = field(default_factory=dict)
    filled: int = 0  # tables filled from a layout (for tests and measurements)
    rendered: int = 0  # tables rendered by the macro

    def __call__(self, macro: Callable[..., Any], t: Any) -> Any:
        if not isinstance(t, ReportTable) or not self._known(macro, t.table):
            return self._render(macro, t)
        table, values = t.table, t.values
        kinds = "".join([value_kind(values, c.id) for c in table.cells])
        key = (id(macro), id(table), t.prefix, kinds)
        stats = self.stats.setdefault(key[:2], _TableStats())
        stats.lookups += 1
        layout = self.layouts.get(key, False)
        if layout is False:
            if stats.closed or len(self.layouts) >= MAX_LAYOUTS:
                return self._render(macro, t)
            stats.made += 1
            if stats.lookups >= TRIAL and stats.made > MAX_NEW_SHARE * stats.lookups:
                stats.closed = True
            layout, html = self._make(macro, t)
            self.layouts[key] = layout
            return html
        if layout is None:
            return self._render(macro, t)
        self.filled += 1
        return layout.fill(values)

    def _known(self, macro: Callable[..., Any], table: Table) -> bool:
        if id(macro) not in self.macros:
            if len(self.macros) >= MAX_MACROS:
                return False
            self.macros[id(macro)] = macro
        self.tables.setdefault(id(table), table)
        return True

    def _render(self, macro: Callable[..., Any], t: Any) -> Any:
        self.rendered += 1
        return macro(t)

    def _make(self, macro: Callable[..., Any], t: ReportTable) -> tuple[_Layout | None, Any]:
        """A new layout, checked three ways (see the module's docstring), and the report's table rendered by the macro."""
        html = self._render(macro, t)
        texts = []
        for family in _FAMILIES:
            text = _placeholder_render(macro, t, family)
            if text is None:
                return None, html
            texts.append(text)
        (text, cells), (other, other_cells) = texts
        if text != other or cells != other_cells:
            return None, html
        layout = _Layout(text, cells)
        if str(layout.fill(t.values)) != str(html) or not isinstance(html, Markup):
            return None, html
        return layout, html


def _placeholder_render(macro: Callable[..., Any], t: ReportTable, family: tuple[Callable[[int], str], re.Pattern[str]]) -> tuple[str, tuple[str, ...]] | None:
    """The macro's text with `%s` for each number and the cells they belong to, or None if it used them as more than text."""
    marker, pattern = family
    drawn = draw(t.table, t.values, t.prefix)
    probe = _Probe()
    slots: list[str] = []  # cell id per placeholder index

    def placeholder(cell_id: str) -> _Placeholder:
        slots.append(cell_id)
        return _Placeholder(marker(len(slots) - 1), probe)

    def cells(rows: tuple[tuple[Any, ...], ...]) -> tuple[tuple[Any, ...], ...]:
        return tuple(
            tuple(
                replace(c, text=placeholder(c.cell_id))
                if c.cell_id and value_kind(t.values, c.cell_id) in (NEGATIVE, NUMBER)
                else c
                for c in row
            )
            for row in rows
        )

    probed = replace(drawn, head=cells(drawn.head), body=cells(drawn.body))
    try:
        html = macro(probed)
    except Exception:
        return None
    if probe.used or not isinstance(html, Markup):
        return None
    pieces = pattern.split(str(html))
    literals, order = pieces[0::2], [int(n) for n in pieces[1::2]]
    if any(_DELIMITERS.search(p) for p in literals) or any(n >= len(slots) for n in order):
        return None  # a placeholder was cut or changed, or the table's own text holds the delimiters
    return "%s".join(p.replace("%", "%%") for p in literals), tuple(slots[n] for n in order)
