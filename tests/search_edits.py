"""One edit, one deletion and one addition to a copy of the default content, for the search rebuild tests.

On the default content with 8 hash buckets each town has a shard of its own: 吉昌镇 (deleted here)
in s2, 羊郡镇 (a 2017 report added) in s0, 羊亭镇 (edited) in s6.
"""

from __future__ import annotations

from pathlib import Path

JICHANG = "jilin/jilinshi/panshi/jichang/2016/index.html"
YANGJUN = "shandong/yantai/laiyang/yangjun/2016/index.html"
YANGJUN_NEW = "shandong/yantai/laiyang/yangjun/2017/index.html"
YANGTING = "shandong/weihai/huancui/yangting/2021/index.html"

REMOVED_WORD = "疫情"  # only in 羊亭镇's narrative, replaced by the edit
ADDED_WORD = "汛期"  # in no report before the edit
APPENDED = "本年度试点区块链存证。"  # 区块链 is in no report before the edit


def edit_delete_add(content: Path) -> None:
    """Edit 羊亭镇 2021, delete 吉昌镇 2016, add 羊郡镇 2017 (a copy of 2016 under the new year)."""
    narrative = content / "shandong/weihai/huancui/yangting/2021.md"
    text = narrative.read_text(encoding="utf-8")
    assert REMOVED_WORD in text and ADDED_WORD not in text
    narrative.write_text(text.replace(REMOVED_WORD, ADDED_WORD) + "\n" + APPENDED + "\n", encoding="utf-8")
    for ext in ("yaml", "md"):
        (content / f"jilin/jilinshi/panshi/jichang/2016.{ext}").unlink()
        old = content / f"shandong/yantai/laiyang/yangjun/2016.{ext}"
        (old.parent / f"2017.{ext}").write_text(old.read_text(encoding="utf-8").replace("2016", "2017"), encoding="utf-8")
