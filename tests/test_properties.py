"""Property-based tests: whatever a YAML or Markdown file holds, the pipeline answers with a
model or with diagnostics, never with an exception; whatever it publishes is inert.

NIANBAO_FUZZ_EXAMPLES raises the number of examples for a longer session, e.g.
`NIANBAO_FUZZ_EXAMPLES=20000 python -m pytest tests/test_properties.py` (docs/reliability.md).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.diagnostics import Diagnostics, Level
from generator.formats import catalogue
from generator.narrative.markdown import render_narrative
from generator.source.numbers import read_number
from generator.stages.exclude import exclude
from generator.stages.lint import lint
from generator.stages.load import ReportSource, Sources
from generator.stages.plan import plan
from generator.stages.render import Renderer, make_env, theme_dirs
from generator.stages.validate import validate
from generator.source.yaml_source import load_yaml
from hostile import assert_inert_bytes, assert_inert_html
from reports import report_yaml

EXAMPLES = int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Characters that mean something to YAML, Markdown or HTML, and ones that break things.
NASTY = ":-?[]{},#&*!|>'\"%@`\t\n\r\\<>/=;()~\x00\x07\x1b\x7f\x85\u00a0\u2028\u202e\u2066\ufeff\ufffe０１年报"
texts = st.text(alphabet=st.one_of(st.sampled_from(NASTY), st.characters(codec="utf-8")), max_size=40)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
    st.dates(min_value=dt.date(1, 1, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.one_of(texts, st.integers()), inner, max_size=5)),
    max_leaves=30,
)
REPORT_KEYS = ["format", "year", "title", "authority", "published", "signature", "source", "filled_by", "statistics", "figures", "known_issues"]


def load(raw: bytes) -> tuple[Any, Diagnostics]:
    diags = Diagnostics()
    doc = load_yaml(raw, "content/a/b/c/d/2021.yaml", diags)
    if doc is None:
        assert diags.has_errors, "a document refused without saying why"
    return doc, diags


def renderer_for(site: Any, cat: Any) -> Renderer:
    """The renderer as `generator.build.build` sets it up for a site without a custom theme or badge."""
    env = make_env(theme_dirs(None))
    env.globals["badge_src"] = ""
    return Renderer(site, cat, env)


def pipeline(report_raw: bytes, narrative: str, town_raw: bytes = b"name: \xe6\xb5\x8b\xe8\xaf\x95\xe9\x95\x87\n", year: int = 2021) -> None:
    """load -> validate -> lint -> exclude -> plan -> render, in process, for one report."""
    diags = Diagnostics()
    sources = Sources(Path("content"))
    sources.site = load_yaml(b"title: t\n", "content/site.yaml", diags)
    for i, region in enumerate(("a", "a/b", "a/b/c")):
        sources.regions[region] = load_yaml(f"name: r{i}\n".encode(), f"content/{region}/region.yaml", diags)
    town = load_yaml(town_raw, "content/a/b/c/d/town.yaml", diags)
    if town is not None:
        sources.towns["a/b/c/d"] = town
    source = ReportSource("a/b/c/d", year, f"content/a/b/c/d/{year:04d}.yaml", f"content/a/b/c/d/{year:04d}.md")
    source.data = load_yaml(report_raw, source.data_rel, diags)
    source.narrative = narrative
    sources.reports.append(source)
    cat = catalogue()
    site = validate(sources, cat, diags)
    docs = {source.data_rel: source.data} if source.data is not None else {}
    site = lint(site, cat, docs, diags)
    site, exclusions = exclude(site, diags, "content")
    assert not exclusions.blocks_site, [p.format() for p in exclusions.site_errors]
    for problem in diags.problems:
        problem.format()  # every message can be printed
        assert problem.path.startswith("content/")
    if site.reports:
        assert not any(p.level == Level.ERROR for p in diags.problems if p.path.startswith(f"content/a/b/c/d/{year:04d}"))
    renderer = renderer_for(site, cat)
    for page in plan(site, Diagnostics()):
        assert_inert_bytes(renderer.render(page), page.url)


@SETTINGS
@given(values)
def test_any_yaml_value_loads_or_is_refused(value: Any) -> None:
    for style in (False, True, None):
        raw = yaml.safe_dump(value, allow_unicode=True, default_flow_style=style).encode("utf-8", "surrogatepass")
        doc, _ = load(raw)
        if doc is not None:
            assert doc.where(("any", "path")).path.endswith("2021.yaml")


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_load_or_are_refused(raw: bytes) -> None:
    load(raw)


@SETTINGS
@given(st.dictionaries(st.sampled_from(REPORT_KEYS) | texts, values, max_size=8))
def test_any_report_shaped_mapping_validates_or_yields_diagnostics(data: dict[Any, Any]) -> None:
    raw = yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass")
    pipeline(raw, "## 一、总体情况\n\n正文。\n")


VALID = {fmt: report_yaml(fmt, 2021).encode("utf-8") for fmt in ("gov-2008", "gov-2019", "gov-2021")}
VALID["narrative"] = b"format: narrative\nyear: 2021\ntitle: t\npublished: 2022-01-20\nsignature: {authority: a, date: 2022-01-20}\nsource: {url: 'https://a.b/'}\nfigures: {proactive.total: 5}\n"


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(VALID[draw(st.sampled_from(sorted(VALID)))])
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate-line"]))
        piece = draw(texts | st.sampled_from(["\t", ": ", "- ", "&a ", "*a", "!!binary ", "!0 ", "!!str ", "!!int ", "!!timestamp ", "!!set ", "? ", "--- ", "...\n", "%YAML 1.1\n", "<<: ", "'", '"', "{", "[", "\n  ", "\n", ".nan", "1e999", "-1", "0x1F", "0o17", "1_000", "2021-02-30", "\xff", "\xef\xbb\xbf"])).encode("utf-8", "surrogatepass")
        if kind == "insert":
            raw[pos:pos] = piece
        elif kind == "delete":
            del raw[pos : pos + draw(st.integers(1, 20))]
        elif kind == "replace":
            raw[pos : pos + len(piece)] = piece
        else:
            start = raw.rfind(b"\n", 0, pos) + 1
            end = raw.find(b"\n", pos)
            end = len(raw) if end < 0 else end + 1
            raw[end:end] = raw[start:end]
    return bytes(raw)


@SETTINGS
@given(mutated(), texts, st.one_of(st.just(2021), st.integers(0, 9999)))
def test_mutations_of_valid_reports_validate_or_yield_diagnostics(raw: bytes, narrative_tail: str, year: int) -> None:
    # the file name's year varies too: year 0 once reached the lint and crashed dt.date()
    raw = raw.replace(b"year: 2021", f"year: {year}".encode()) if year != 2021 else raw
    pipeline(raw, "## 一、总体情况\n\n正文。" + narrative_tail + "\n", year=year)


def test_the_unmutated_reports_publish() -> None:
    for fmt, raw in VALID.items():
        diags = Diagnostics()
        assert load_yaml(raw, "x.yaml", diags) is not None and not diags.has_errors, fmt


@SETTINGS
@given(st.one_of(scalars, values))
def test_any_cell_value_reads_or_is_refused(value: Any) -> None:
    for integer in (True, False):
        for signed in (True, False):
            reading = read_number(value, integer=integer, signed=signed)
            assert (reading.value is None) or not reading.error


@SETTINGS
@given(st.text(alphabet=st.one_of(st.sampled_from("#>-*_[]()!<>`~|\\\n &;:/"), st.characters()), max_size=400))
def test_any_markdown_renders_inert(text: str) -> None:
    narrative = render_narrative(text)
    assert_inert_html(narrative.intro + "".join(s.html for s in narrative.sections))


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(sorted(VALID)).map(lambda f: VALID[f]), mutated()), min_size=2, max_size=4))
def test_exactly_the_reports_without_errors_are_published(raws: list[bytes]) -> None:
    """Several towns, some reports broken: each report is on the site iff none of its files has an error."""
    diags = Diagnostics()
    sources = Sources(Path("content"))
    sources.site = load_yaml(b"title: t\n", "content/site.yaml", diags)
    sources.regions["a"] = load_yaml(b"name: r\n", "content/a/region.yaml", diags)
    for i, raw in enumerate(raws):
        town = f"a/t{i}"
        sources.towns[town] = load_yaml(f"name: 镇{i}\n".encode(), f"content/{town}/town.yaml", diags)
        source = ReportSource(town, 2021, f"content/{town}/2021.yaml", f"content/{town}/2021.md")
        source.data = load_yaml(raw, source.data_rel, diags)
        source.narrative = f"## 一、总体情况\n\n第{i}镇正文。\n"
        sources.reports.append(source)
    cat = catalogue()
    site = validate(sources, cat, diags)
    site = lint(site, cat, {s.data_rel: s.data for s in sources.reports if s.data is not None}, diags)
    site, exclusions = exclude(site, diags, "content")
    bad = {p.path.rsplit("/", 1)[0] for p in diags.problems if p.level == Level.ERROR}
    published = {r.town.path for r in site.reports}
    assert published == {f"a/t{i}" for i in range(len(raws))} - {b.removeprefix("content/") for b in bad}
    assert {e.scope for e in exclusions.parts} == {f"{b.removeprefix('content/')}/2021" for b in bad}
    renderer = renderer_for(site, cat)
    for page in plan(site, Diagnostics()):
        html = renderer.render(page).decode("utf-8")
        for i in range(len(raws)):
            if f"a/t{i}" not in published:
                # nothing of it leaks (its town is still there, with no report)
                assert f"第{i}镇正文" not in html and f"a/t{i}/2021" not in html, page.url
