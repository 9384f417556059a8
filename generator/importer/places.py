"""Names of the town, its authority and the regions above it, as the report itself writes them.

The town is read from the title (before or after its year: 河包镇2020年…, 2013年道太乡人民政府…,
2018年深圳市福田区香蜜湖街道…), else from the signature or the table's 填报单位. The authority
only from the report's own title or its signature, never from the text: a report cites other
organs' documents (浙江省人民政府…) and names itself as compiler or contact in passing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNIT = re.compile(r"[\u4e00-\u9fff]+?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|街道|苏木|省|市|州|盟|县|区|旗|镇|乡)")
_ORGAN = r"(?:人民政府|街道办事处|办事处|管理委员会|管委会)"
_ORGAN_END = re.compile(r"(?:人民政府|办事处|管理委员会|管委会)$")
_AUTHORITY = re.compile(rf"[\u4e00-\u9fff]{{2,20}}?{_ORGAN}")
_YEAR = re.compile(r"(?:\d{4}|[〇零一二三四五六七八九○]{4})\s*年度?")
_TOWN_KINDS = ("镇", "乡", "街道", "苏木")
# the government of the county or district named before the town's own office: 荔湾区人民政府南源街道办事处
_UPPER_ORGAN = re.compile(r"(?<=[市州县区旗])人民政府(?=[\u4e00-\u9fff]+?(?:街道|镇|乡|苏木))")
_TOWN_LEVEL = re.compile(r"(?:镇|乡|街道|苏木)(?:人民政府|街道办事处|办事处)$|街道办事处$")


@dataclass(frozen=True)
class Places:
    town: str = ""  # 羊亭镇
    authority: str = ""  # 羊亭镇人民政府
    regions: tuple[str, ...] = ()  # from the top down, as far as the report names them: 威海市, 环翠区


def units(text: str) -> list[str]:
    """Administrative units in a run of place names: 威海市环翠区羊亭镇 -> 威海市, 环翠区, 羊亭镇."""
    found = leading_units(text)
    return found if "".join(found) == text else []


def leading_units(text: str) -> list[str]:
    """The run of administrative units a text starts with: 深圳市福田区香蜜湖街道政府信息… -> 深圳市, 福田区, 香蜜湖街道."""
    found: list[str] = []
    pos = 0
    while pos < len(text):
        m = _UNIT.match(text, pos)
        if not m:
            break
        end = m.end()
        if m.group(0).endswith("州") and text[end : end + 1] in ("市", "区", "县"):
            end += 1  # 广州市, 苏州市: the 州 is part of the city's name
        found.append(text[pos:end])
        pos = end
    return found


def _town_run(candidate: str, whole: bool) -> list[str]:
    bare = _UPPER_ORGAN.sub("", re.sub(r"\s", "", candidate or ""))
    if whole:
        bare = _ORGAN_END.sub("", bare)
        parts = units(bare)
    else:
        parts = leading_units(bare)
    while parts and not parts[-1].endswith(_TOWN_KINDS):
        parts.pop()
    return parts


def read_places(title: str, signature: str, text: str = "", filled_by: str = "") -> Places:
    """The town as named in the title (or the signature, the table's 填报单位), the regions before it, its authority.

    `text` (the whole source) is accepted for the caller's convenience but never searched for an authority.
    """
    title = re.sub(r"\s", "", title or "")
    halves = _YEAR.split(title, maxsplit=1)
    before, after = halves[0], halves[1] if len(halves) > 1 else ""
    runs = [_town_run(before, whole=True), _town_run(after, whole=False), _town_run(signature, whole=True), _town_run(filled_by, whole=True)]
    best = max(runs, key=len)
    town = best[-1] if best else ""
    authority = _authority(title, signature, town)
    return Places(town, authority, tuple(best[:-1]))


def _authority(title: str, signature: str, town: str) -> str:
    """The town's own organ as the title or the signature names it, without the regions before it."""
    signature = re.sub(r"\s", "", signature or "")
    if signature and _AUTHORITY.fullmatch(signature):
        if (town and town in signature) or (not town and _TOWN_LEVEL.search(signature)):
            return _strip_regions(signature, town)
    if town:
        m = re.search(re.escape(town) + _ORGAN, title)
        if m:
            return m.group(0)
    return ""


def _strip_regions(authority: str, town: str) -> str:
    """莱阳市羊郡镇人民政府 -> 羊郡镇人民政府: the town's own authority, without the county before it."""
    at = authority.find(town) if town else -1
    return authority[at:] if at > 0 else authority
