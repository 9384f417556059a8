"""Layout detection that survives cut copies: distinctive labels decide, and the import says which."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from generator.formats import catalogue
from generator.importer.convert import Imported, convert
from generator.importer.pieces import read_text
from generator.importer.recognise import THRESHOLD, format_labels, recognise

SEEDS = FIXTURES / "seeds"


def cut(tmp_path: Path, seed: str, before: str, name: str) -> Path:
    """A real report's text cut just before `before` (as portals' stored copies are cut)."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    assert before in text
    path = tmp_path / name
    path.write_text(text[: text.index(before)], encoding="utf-8")
    return path


def basis(imported: Imported) -> str:
    return next(f.message for f in imported.findings if f.message.startswith("识别为"))


def share(path: Path, format_id: str) -> float:
    from generator.importer.labels import norm

    text = "".join(norm(p.text) for p in read_text(path).pieces)
    labels = format_labels(catalogue().formats[format_id])
    return sum(1 for label in labels if label in text) / len(labels)


@pytest.mark.parametrize(
    ("seed", "before", "fmt", "markers"),
    [
        # the 2021 revision, cut inside section 二 (real copy, as stored)
        ("web/zhuhongzhen-2025.txt", None, "gov-2021", ["本年废止件数"]),
        # the 2019 tables, cut after section 二
        ("web/dawulizhen-2020.txt", "三、收到和处理政府信息公开申请情况", "gov-2019", ["本年新制作数量", "上一年项目数量", "本年增/减", "第二十条第（九）项"]),
        # the 2021 tables, cut after section 二
        ("web/taipingzhen-2022.txt", "三、收到和处理政府信息公开申请情况", "gov-2021", ["本年制发件数", "本年处理决定数量", "本年收费金额（单位：万元）"]),
        # the 2021 tables, cut after the first column header: the caption says national, the column says 2021
        ("web/taipingzhen-2022.txt", "本年废止件数", "gov-2021", ["本年制发件数", "第二十条第（一）项"]),
        # the pre-2019 statistics table, cut after its first part
        ("jichang-2016.txt", "\t二、回应解读情况", "gov-2008", ["政府信息公开情况统计表", "制发规范性文件总数"]),
    ],
)
def test_a_cut_copy_is_known_by_its_markers(tmp_path: Path, seed: str, before: str | None, fmt: str, markers: list[str]) -> None:
    path = SEEDS / seed if before is None else cut(tmp_path, seed, before, Path(seed).name)
    assert share(path, fmt) < THRESHOLD, "the share of all labels alone would not decide"
    imported = convert(path, catalogue())
    assert imported.recognition.format.id == fmt
    for marker in markers:
        assert marker in imported.recognition.markers
        assert f"“{marker}”" in basis(imported)
    assert basis(imported).startswith(f"识别为 {fmt}") and "依据：" in basis(imported)


def test_only_the_shared_labels_choose_by_year(tmp_path: Path) -> None:
    # section 三 alone (the copy lost section 二): both national formats have it; the title's year decides
    text = (SEEDS / "web/taipingzhen-2022.txt").read_text(encoding="utf-8")
    head, rest = text.split("二、主动公开政府信息情况", 1)
    third = rest[rest.index("三、收到和处理政府信息公开申请情况") :]
    for year, fmt in ((2022, "gov-2021"), (2020, "gov-2019")):
        path = tmp_path / f"copy-{year}.txt"
        path.write_text(head.replace("2022", str(year)) + third, encoding="utf-8")
        imported = convert(path, catalogue())
        assert imported.recognition.format.id == fmt, year
        assert "一、本年新收政府信息公开申请数量" in imported.recognition.markers
        assert f"按报告年度 {year} 年选择" in basis(imported)
        assert imported.report.statistics["applications.new.total"] == 0


def test_one_own_marker_without_a_shared_one_does_not_decide(tmp_path: Path) -> None:
    path = tmp_path / "zhen-2021.txt"
    path.write_text("某镇2021年政府信息公开工作年度报告\n\n一、总体情况\n\n本年制发件数较上年有所减少。\n", encoding="utf-8")
    recognition = recognise(read_text(path).pieces, catalogue())
    assert recognition.format.id == "narrative" and recognition.markers == ()


def test_a_narrative_that_names_a_table_item_stays_narrative(tmp_path: Path) -> None:
    path = tmp_path / "zhen-2018.txt"
    path.write_text("某镇2018年政府信息公开工作年度报告\n\n一、概述\n\n2018年度我镇主动公开政府信息数22条，本年数量较上年增加，详见政府信息公开情况统计表。\n", encoding="utf-8")
    recognition = recognise(read_text(path).pieces, catalogue())
    assert recognition.format.id == "narrative" and recognition.markers == ()


def test_the_full_seeds_keep_their_layouts() -> None:
    for seed, fmt in (("yangting-2021.txt", "gov-2019"), ("jichang-2016.txt", "gov-2008"), ("yangjun-2016.txt", "narrative")):
        assert recognise(read_text(SEEDS / seed).pieces, catalogue()).format.id == fmt, seed


def test_a_layout_decided_by_the_share_of_labels_names_those_labels() -> None:
    # real table cells with three labels and none of the markers: the share of labels decides, and says which
    from generator.importer.pieces import Piece

    texts = ["信息内容", "规章", "0", "行政许可", "3", "行政处罚", "1"]
    pieces = [Piece(t, f"x.docx 表1 第{k}行", k, cell=True) for k, t in enumerate(texts, start=1)]
    recognition = recognise(pieces, catalogue())
    assert recognition.format.tables and recognition.reason.endswith("见于原文")
    assert {"规章", "行政许可", "行政处罚"} <= set(recognition.markers)
    assert recognition.basis(2) == f"“{recognition.markers[0]}”、“{recognition.markers[1]}” 等 {len(recognition.markers)} 个（{recognition.reason}）"


@pytest.mark.parametrize(
    ("caption_line", "fmt"),
    [
        ("第二十条第（一）项 | |||\n信息内容 | 本年\n", "gov-2021"),  # cut inside the first column header: the caption alone
        ("依照《条例》第二十条第（一）项的规定，公开了本镇的规范性文件。\n", "narrative"),  # the same words in a sentence
    ],
)
def test_a_table_caption_standing_alone_is_a_national_table_and_the_year_chooses(tmp_path: Path, caption_line: str, fmt: str) -> None:
    path = tmp_path / "2022.txt"
    path.write_text(
        "一、总体情况\n2022年，我镇共发布各类信息1060条。\n二、主动公开政府信息情况\n" + caption_line, encoding="utf-8"
    )
    imported = convert(path, catalogue())
    assert imported.recognition.format.id == fmt
    if fmt != "narrative":
        assert imported.recognition.markers == ("第二十条第（一）项",)
        assert "按报告年度 2022 年选择" in basis(imported)
