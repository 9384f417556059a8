"""Validate stage: sources -> the model, with every problem reported (never raising for bad data)."""

from __future__ import annotations

from pathlib import PurePosixPath
from dataclasses import dataclass

from generator.diagnostics import Diagnostics, Where
from generator.source.fields import MAX_NAME, Fields
from generator.formats import Catalogue
from generator.formats.site_files import REGION_FIELDS, SITE_FIELDS, TOWN_FIELDS
from generator.model import Region, Report, Site, SiteConfig, Town
from generator.model.site import Contact
from generator.stages.load import Sources
from generator.stages.validate_report import validate_report


@dataclass(frozen=True)
class Places:
    """What a report is validated against: the site's configuration, its regions and towns."""

    config: SiteConfig
    regions: dict[str, Region]
    towns: dict[str, Town]


def validate(sources: Sources, catalogue: Catalogue, diags: Diagnostics) -> Site:
    places = validate_places(sources, diags)
    reports: list[Report] = []
    for source in sources.reports:
        town = places.towns.get(source.town_path)
        if town is None or source.data is None:
            continue
        report = validate_report(source, town, catalogue, diags)
        if report is not None:
            reports.append(report)
    return assemble(places, reports)


def validate_places(sources: Sources, diags: Diagnostics) -> Places:
    config = site_config(sources, diags)
    regions = {path: _region(path, doc, diags) for path, doc in sources.regions.items()}
    towns: dict[str, Town] = {}
    for path, doc in sources.towns.items():
        town = _town(path, doc, regions, diags, sources.root.name)
        if town is not None:
            towns[path] = town
    return Places(config, regions, towns)


def assemble(places: Places, reports: list[Report]) -> Site:
    return Site(
        config=places.config,
        regions=tuple(sorted(places.regions.values(), key=lambda r: r.path)),
        towns=tuple(sorted(places.towns.values(), key=lambda t: t.path)),
        reports=tuple(sorted(reports, key=lambda r: (r.town.path, r.year))),
    )


def site_config(sources: Sources, diags: Diagnostics) -> SiteConfig:
    if sources.site is None:
        return SiteConfig(title="政府信息公开工作年度报告")
    f = Fields.root(sources.site, diags)
    f.check_keys(SITE_FIELDS, ("title",))
    contact = Contact()
    cf = f.mapping("contact")
    if cf is not None and cf.ok:
        cf.check_keys({"phone": "电话", "email": "电子邮箱", "address": "地址"})
        contact = Contact(cf.text("phone"), cf.text("email"), cf.text("address"))
    base_url = f.text("base_url")
    if base_url and not (base_url.startswith(("https://", "http://")) and base_url.endswith("/")):
        f.error("base_url", "bad-value", "发布地址应为以 http(s):// 开头、以 / 结尾的网址", expected="https://www.example.gov.cn/xxgk/nb/", found=base_url)
        base_url = ""
    code = f.text("site_id_code")
    if code and not (len(code) == 10 and code.isalnum()):
        f.warning("site_id_code", "bad-value", "网站标识码通常为10位", found=code)
    for key in ("error_report_url",):
        url = f.text(key)
        if url and not url.startswith(("https://", "http://")):
            f.error(key, "bad-value", "链接应以 http:// 或 https:// 开头", found=url)
    theme = f.text("theme")
    if theme:
        parts = PurePosixPath(theme).parts
        if theme.startswith(("/", "\\")) or "\\" in theme or ":" in theme or ".." in parts:
            f.error("theme", "bad-value", "主题目录应为相对于内容目录上级目录的路径，不能含“..”或以“/”开头", expected="例如 mytheme", found=theme)
            theme = ""
    return SiteConfig(
        title=f.text("title", "政府信息公开工作年度报告", max_len=MAX_NAME),
        authority=f.text("authority"),
        description=f.text("description"),
        base_url=base_url,
        column_name=f.text("column_name", "政府信息公开年报"),
        site_id_code=code,
        icp=f.text("icp"),
        police_filing=f.text("police_filing"),
        police_filing_code=f.text("police_filing_code"),
        badge=_badge(f),
        error_report_url=f.text("error_report_url"),
        contact=contact,
        show_consistency_notes=f.boolean("show_consistency_notes", True),
        theme=theme,
    )


BADGE_TYPES = ("png", "jpg", "jpeg", "gif", "webp")


def _badge(f: Fields) -> str:
    """The badge image's path: relative, inside the content folder, a raster image.

    It is published beside the pages; an SVG or HTML file there could run script on the
    portal's own origin when opened directly, so only raster formats are accepted.
    """
    badge = f.text("badge")
    if not badge:
        return ""
    parts = PurePosixPath(badge).parts
    suffix = badge.rsplit(".", 1)[-1].lower() if "." in badge else ""
    if badge.startswith(("/", "\\")) or "\\" in badge or ":" in badge or ".." in parts or suffix not in BADGE_TYPES:
        f.error(
            "badge",
            "bad-value",
            "网站标识图片应为内容目录内的 PNG、JPEG、GIF 或 WebP 图片（相对路径，不含“..”）",
            expected="例如 badge.png",
            found=badge,
        )
        return ""
    return badge


def _region(path: str, doc, diags: Diagnostics) -> Region:  # type: ignore[no-untyped-def]
    f = Fields.root(doc, diags)
    f.check_keys(REGION_FIELDS, ("name",))
    code = _code(f)
    return Region(path=path, name=f.text("name", path.rsplit("/", 1)[-1], max_len=MAX_NAME), code=code)


def _code(f: Fields) -> str:
    value = f.data.get("code")
    if value is None:
        return ""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else f.text("code")
    if text and not (text.isdigit() and len(text) in (6, 9, 12)):
        f.error("code", "bad-value", "行政区划代码应为6、9或12位数字", found=text)
        return ""
    return text


def _town(path: str, doc, regions: dict[str, Region], diags: Diagnostics, prefix: str) -> Town | None:  # type: ignore[no-untyped-def]
    f = Fields.root(doc, diags)
    f.check_keys(TOWN_FIELDS, ("name",))
    parents: list[Region] = []
    parts = path.split("/")
    for i in range(1, len(parts)):
        region_path = "/".join(parts[:i])
        region = regions.get(region_path)
        if region is None:
            diags.error(
                "missing-file",
                Where(f"{prefix}/{region_path}/region.yaml"),
                "上级地区目录缺少 region.yaml（写明地区名称）",
                expected="name: 某某省",
            )
            return None
        parents.append(region)
    if not f.ok:
        return None
    return Town(
        path=path,
        name=f.text("name", parts[-1], max_len=MAX_NAME),
        kind=f.text("kind"),
        authority=f.text("authority"),
        code=_code(f),
        regions=tuple(parents),
    )
