"""Edits to a copy of the default content, for the search rebuild tests.

`prepare` adds a 2017 report to 羊郡镇 (a copy of 2016 under the new year); `edit_delete_add` then
edits 羊亭镇 2021, deletes 羊郡镇 2017 and adds 吉昌镇 2017.
"""

from __future__ import annotations

from pathlib import Path

JICHANG = "jilin/jilinshi/panshi/jichang/2016/index.html"
JICHANG_NEW = "jilin/jilinshi/panshi/jichang/2017/index.html"
YANGJUN = "shandong/yantai/laiyang/yangjun/2016/index.html"
YANGJUN_DELETED = "shandong/yantai/laiyang/yangjun/2017/index.html"
YANGTING = "shandong/weihai/huancui/yangting/2021/index.html"

REMOVED_WORD = "保密审查"  # replaced in 羊亭镇's narrative; 羊郡镇 2016 still has it
ADDED_WORD = "汛期"  # in no report before the edit
APPENDED = "本年度试点区块链存证。"  # 区块链 is in no report before the edit
LOST_WORD = "疫情"  # only in 羊亭镇's narrative


def _copy_year(content: Path, town: str, old: int, new: int) -> None:
    for ext in ("yaml", "md"):
        source = content / town / f"{old}.{ext}"
        (source.parent / f"{new}.{ext}").write_text(source.read_text(encoding="utf-8").replace(str(old), str(new)), encoding="utf-8")


def prepare(content: Path) -> None:
    _copy_year(content, "shandong/yantai/laiyang/yangjun", 2016, 2017)


def edit_delete_add(content: Path) -> None:
    """Edit 羊亭镇 2021, delete 羊郡镇 2017, add 吉昌镇 2017 (after `prepare`)."""
    narrative = content / "shandong/weihai/huancui/yangting/2021.md"
    text = narrative.read_text(encoding="utf-8")
    assert REMOVED_WORD in text and ADDED_WORD not in text
    narrative.write_text(text.replace(REMOVED_WORD, ADDED_WORD + "检查") + "\n" + APPENDED + "\n", encoding="utf-8")
    for ext in ("yaml", "md"):
        (content / f"shandong/yantai/laiyang/yangjun/2017.{ext}").unlink()
    _copy_year(content, "jilin/jilinshi/panshi/jichang", 2016, 2017)


def lose_a_word(content: Path) -> None:
    """Replace a word found in one report only."""
    narrative = content / "shandong/weihai/huancui/yangting/2021.md"
    text = narrative.read_text(encoding="utf-8")
    assert LOST_WORD in text
    narrative.write_text(text.replace(LOST_WORD, "汛情"), encoding="utf-8")
