"""Where each page lives, relative to the site root. Every URL names a file (…/index.html)."""

from __future__ import annotations

from generator.model import Region, Report, Town


def report_url(report: Report) -> str:
    return f"{report.town.path}/{report.year}/index.html"


def report_data_url(report: Report, ext: str) -> str:
    return f"{report.town.path}/{report.year}/data.{ext}"


def town_url(town: Town) -> str:
    return f"{town.path}/index.html"


def region_url(region: Region) -> str:
    return f"{region.path}/index.html"


def year_url(year: int) -> str:
    return f"years/{year}/index.html"


HOME = "index.html"
YEARS = "years/index.html"
COMPARE = "compare/index.html"
ROOT_GROUP = "_"  # not a slug, so never a region's folder name


def compare_url(region_path: str | None) -> str:
    """The compare page of one group of towns (`generator.pages.tree.town_groups`)."""
    return f"compare/{region_path or ROOT_GROUP}/index.html"
DATA = "data/index.html"
SITEMAP_PAGE = "sitemap.html"
SEARCH = "search/index.html"
FEED = "feed.xml"


def badge_url(badge: str) -> str:
    """Where the publisher's 党政机关网站标识 image (a file in the content folder) is copied to."""
    suffix = badge.rsplit(".", 1)[-1].lower() if "." in badge else "png"
    return f"assets/badge.{suffix}"
