"""`nianbao import` on the real reports of tests/fixtures/reports, against their hand-checked values (tests/import_truth.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import import_truth as truth

# The share of the stated non-zero numbers (cells and prose) the import must recover over all fixtures.
RECALL = 0.95

# What each fixture's copy is an example of (each text shape and input kind at least once).
SHAPES = {
    "gansu-zhangyi-2008": "narrative, index block as pipe rows above the title",
    "gansu-zhangyi-2009": "narrative without a title, index block values row, the year from its statistics period",
    "guangdong-changgang-2018": "narrative, breadcrumb above the title, numbered breakdown",
    "guangdong-jianxin-2018": "narrative, held out, signature with the county, zeros as negations",
    "guangdong-longgui-2016": "narrative run together on one line",
    "guangdong-xiangmihu-2018": "narrative, breakdown with percentages",
    "guangdong-xiangmihu-2018-pdf": "PDF with a text layer",
    "beijing-tanzhesi-2011": "narrative without a title, the year from its statistics period, the town from its own name",
    "beijing-xinhua-2019": "gov-2019 as `a |` lines with sub-rows the format lacks, no title",
    "jiangsu-liandao-2019": "index block as pipe rows, the title in a 标 题 cell and again below",
    "shaanxi-meizi-2024": "gov-2021 (2024), every cell a paragraph",
    "unstated-beijingjiedao-2020": "gov-2019 as `a | b |` and `| a | b |` rows, an amount under a 万元 header (left for a human)",
    "hebei-dawuli-2020": "gov-2019, every cell a paragraph",
    "jilin-jichang-2016": "gov-2008 statistics table after the narrative",
    "shaanxi-taiping-2022": "gov-2021, every cell a paragraph, labels broken over lines",
    "shaanxi-zhengyang-2021": "gov-2019 tables in a 2021 report, cut in section 二",
    "shaanxi-zhouwan-2021": "gov-2021 cut after the first column header",
    "shandong-liangcheng-2020": "gov-2019 as `a | b |` rows, no title",
    "shandong-maqiao-2016": "title only in the page's index block",
    "shandong-tangcun-2010": "narrative with download links after it",
    "sichuan-nanxun-2014": "narrative without a title",
    "xinjiang-nileke-2023": "gov-2021 with `|` alone on a line",
    "liaoning-xisi-2025": "gov-2021 with each row's cells run together (规章000)",
    "yunnan-dianyuan-2018": "narrative, space inside the title",
    "yunnan-huiyi-2021": "gov-2021 as `a |` lines",
    "yunnan-huiyi-2021-html": "saved portal page with rowspan/colspan tables",
    "zhejiang-danan-2018": "narrative, applications, reviews and complaints in sentences",
    "zhejiang-daotai-2013": "narrative, title over two lines, year first",
    "zhejiang-hunan-2021": "gov-2021 as `a | b |` rows, cut in section 二",
    "zhejiang-hunan-2021-docx": "Word file with tables",
    "zhejiang-meiqi-2013": "narrative, indented paragraphs",
    "zhejiang-panfeng-2013": "narrative, breadcrumb, furniture and the title twice",
    "zhejiang-shuitou-2008": "narrative, breakdown by category",
    "zhejiang-zhouquan-2008": "narrative, zeros stated as negations",
    "anhui-tljq-2017": "narrative, short and complete, no title, an approximate count",
    "fujian-hongshan-2011": "narrative, held out, breakdown with zeros as 0条, a space before the unit",
    "fujian-chengxiang-2013": "narrative, index block as bullet lines, indented paragraphs",
    "guangdong-jiangnanzhong-2020": "gov-2019, every cell a paragraph, header 本年增/ cut, an amount written with 万元 in its cell (left for a human)",
    "guangdong-nanyuan-2020": "gov-2019, every cell a paragraph, a signed change (+19), the district's 人民政府 in the title",
    "guizhou-tingziba-2014": "narrative starting inside section 二, signature at the end",
    "hubei-heshengqiao-2022": "gov-2021 cut inside the first column header, no title",
    "hubei-huangpi-2020": "gov-2019 as `a |` lines, labels carrying the template's filling instructions in brackets",
    "hubei-yuyang-2022": "gov-2021, every cell a paragraph, prose between a heading and its table",
    "hunan-songmutang-2022": "gov-2021 as `| a | b |` rows, a page heading over a title on two lines",
    "jilin-xinghua-2010": "narrative, short and complete, furniture above the title",
    "zhejiang-tangpu-2009": "narrative on one line, the title alone in a pipe row",
    "jiangxi-changqiao-2019": "gov-2019 as `a | b | |` rows, index block lines, the title twice",
    "unstated-lzq-2019": "gov-2019 as `a |` lines with spacer bars, header 本年新 cut",
    "hebei-xiongxian-2019": "gov-2019 labels only, empty cells dropped by the portal",
}

# Layouts the import does not decide yet: each must start passing (strict), then leave this list.
LAYOUT_NOT_YET: dict[str, str] = {}

# Imports that fail outright (each must start passing, then leave this list).
IMPORT_FAILS: dict[str, str] = {}

FIXTURES = truth.fixtures()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, truth.Outcome]:
    base = tmp_path_factory.mktemp("fixtures")
    result = {}
    for folder in FIXTURES:
        workdir = base / folder.name
        workdir.mkdir()
        result[folder.name] = truth.measure_safely(folder, workdir)
    return result


def test_there_are_real_reports_of_every_layout_and_input_kind() -> None:
    assert len(FIXTURES) >= 20
    assert set(SHAPES) == {f.name for f in FIXTURES}, "every fixture says what shape it is"
    formats = {str(truth.expected_of(f)["format"]) for f in FIXTURES}
    assert formats == {"narrative", "gov-2008", "gov-2019", "gov-2021"}
    kinds = {truth.source_of(f).suffix for f in FIXTURES}
    assert kinds == {".txt", ".docx", ".pdf", ".html"}
    years = {int(truth.expected_of(f)["year"]) for f in FIXTURES}  # type: ignore[arg-type]
    assert min(years) == 2008 and max(years) >= 2023
    for folder in FIXTURES:
        assert (folder / "note.md").read_text(encoding="utf-8").strip(), folder.name


@pytest.mark.parametrize("name", [f.name for f in FIXTURES], ids=[f"{f.name}: {SHAPES.get(f.name, '?')}" for f in FIXTURES])
def test_a_real_report_imports_without_a_wrong_number(outcomes: dict[str, truth.Outcome], name: str, request: pytest.FixtureRequest) -> None:
    if name in IMPORT_FAILS:
        request.applymarker(pytest.mark.xfail(reason=IMPORT_FAILS[name], strict=True))
    outcome = outcomes[name]
    assert not outcome.got_format.startswith("error"), outcome.lost
    assert outcome.misplaced == []
    assert outcome.unlisted == []
    assert outcome.invented == []
    assert outcome.metadata_wrong == []


@pytest.mark.parametrize("name", [f.name for f in FIXTURES])
def test_a_real_report_is_read_in_its_layout(outcomes: dict[str, truth.Outcome], name: str, request: pytest.FixtureRequest) -> None:
    if name in LAYOUT_NOT_YET or name in IMPORT_FAILS:
        request.applymarker(pytest.mark.xfail(reason=LAYOUT_NOT_YET.get(name) or IMPORT_FAILS[name], strict=True))
    outcome = outcomes[name]
    assert outcome.got_format == outcome.expected_format


def test_the_stated_numbers_are_recovered(outcomes: dict[str, truth.Outcome]) -> None:
    imported = [o for o in outcomes.values() if o.name not in IMPORT_FAILS]  # those fail their own tests above
    found = truth.recall(imported)
    lost = [f"{o.name}: {x}" for o in imported for x in o.lost]
    assert found >= RECALL, "\n".join(lost)


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".html"])
def test_each_input_kind_reads_as_much_as_the_text_copy_it_was_made_from(outcomes: dict[str, truth.Outcome], suffix: str) -> None:
    made = [o for o in outcomes.values() if o.kind == suffix]
    assert made, f"no {suffix} fixture"
    for outcome in made:
        twin = outcomes[outcome.name.rsplit("-", 1)[0]]
        assert twin.kind == ".txt"
        assert outcome.layout_right and outcome.misplaced == [] and outcome.invented == []
        assert outcome.recovered >= twin.recovered, outcome.lost


def test_the_measurement_reports_a_wrong_cell_and_a_number_not_in_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The measure itself: a value in the wrong cell is misplaced, a number absent from the source is invented."""
    real = truth.REPORTS / "yunnan-huiyi-2021"
    folder = tmp_path / "yunnan-huiyi-2021"
    folder.mkdir()
    (folder / "source.txt").write_bytes((real / "source.txt").read_bytes())
    expected = (real / "expected.yaml").read_text(encoding="utf-8")
    (folder / "expected.yaml").write_text(expected.replace("art20_5.permits: 213", "art20_5.permits: 214"), encoding="utf-8")
    written = truth.written

    def with_an_invented_figure(imported):  # type: ignore[no-untyped-def]
        data = written(imported)
        data.setdefault("figures", {})["proactive.total"] = 9999
        return data

    monkeypatch.setattr(truth, "written", with_an_invented_figure)
    (tmp_path / "work").mkdir()
    outcome = truth.measure(folder, tmp_path / "work")
    assert outcome.misplaced == ["art20_5.permits: wrote 213, the source has 214"]
    assert outcome.invented == ["figures.proactive.total = 9999"]


def test_the_measurement_counts_a_number_written_in_another_unit_s_cell_as_misplaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An `other_unit` cell (477.35 under 采购总金额(万元), a column in 元) must be left out and listed, never written."""
    folder = truth.REPORTS / "unstated-beijingjiedao-2020"
    assert truth.expected_of(folder)["other_unit"] == {"art20_9.amount": "477.35万元"}
    written = truth.written

    def as_printed(imported):  # type: ignore[no-untyped-def]
        data = written(imported)
        data["statistics"]["art20_9"]["amount"] = 477.35
        return data

    monkeypatch.setattr(truth, "written", as_printed)
    outcome = truth.measure(folder, tmp_path)
    assert outcome.misplaced == ["art20_9.amount: wrote 477.35, the source states 477.35万元, in a unit other than the format's"]
    monkeypatch.setattr(truth, "written", written)
    convert = truth.convert

    def without_findings(path: Path, formats: object) -> truth.Imported:
        imported = convert(path, formats)  # type: ignore[arg-type]
        imported.findings = []
        return imported

    monkeypatch.setattr(truth, "convert", without_findings)
    (tmp_path / "again").mkdir()
    outcome = truth.measure(folder, tmp_path / "again")
    assert outcome.misplaced == [] and outcome.unlisted == ["art20_9.amount = 477.35万元 (left out, but no finding asks for it to be converted)"]
