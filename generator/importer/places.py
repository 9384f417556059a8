"""Names of the town, its authority and the regions above it, as the report itself writes them."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNIT = re.compile(r"[\u4e00-\u9fff]+?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|街道|苏木|省|市|州|盟|县|区|旗|镇|乡)")
_AUTHORITY = re.compile(r"[\u4e00-\u9fff]{2,20}?(?:人民政府|街道办事处|办事处|管理委员会|管委会)")
_TOWN_KINDS = ("镇", "乡", "街道", "苏木")


@dataclass(frozen=True)
class Places:
    town: str = ""  # 羊亭镇
    authority: str = ""  # 羊亭镇人民政府
    regions: tuple[str, ...] = ()  # from the top down, as far as the report names them: 威海市, 环翠区


def units(text: str) -> list[str]:
    """Administrative units in a run of place names: 威海市环翠区羊亭镇 -> 威海市, 环翠区, 羊亭镇."""
    found: list[str] = []
    pos = 0
    while pos < len(text):
        m = _UNIT.match(text, pos)
        if not m:
            break
        found.append(m.group(0))
        pos = m.end()
    return found if pos == len(text) else []


def read_places(title: str, signature: str, text: str, filled_by: str = "") -> Places:
    """The town as named in the title (or the signature, the table's 填报单位, the text), and the regions named before it."""
    prefix = re.split(r"\d{4}|[〇零一二三四五六七八九]{4}年", title, maxsplit=1)[0]
    candidates = [prefix, signature, filled_by]
    authority = ""
    for candidate in (signature, prefix):
        m = _AUTHORITY.search(candidate or "")
        if m and m.group(0) == candidate[m.start():m.end()]:
            authority = m.group(0)
            break
    best: list[str] = []
    for candidate in candidates:
        bare = re.sub(r"(?:人民政府|街道办事处|办事处|管理委员会|管委会)$", "", candidate or "")
        parts = units(bare)
        if parts and parts[-1].endswith(_TOWN_KINDS) and len(parts) > len(best):
            best = parts
    if best:
        town = best[-1]
        if not authority:
            m = re.search(re.escape(town) + r"(?:人民政府|街道办事处|办事处)", text)
            authority = m.group(0) if m else ""
        return Places(town, _strip_regions(authority, town) if authority else "", tuple(best[:-1]))
    return Places(authority=authority)


def _strip_regions(authority: str, town: str) -> str:
    """莱阳市羊郡镇人民政府 -> 羊郡镇人民政府: the town's own authority, without the county before it."""
    at = authority.find(town)
    return authority[at:] if at > 0 else authority
