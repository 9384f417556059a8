"""Builders of the data files: their bytes go through the same plan and write path as the pages."""

from __future__ import annotations

from typing import Any

from generator.model import Site
from generator.pages.home import latest
from generator.pages.portal import Portal
from generator.render import data_export, feeds
from generator.render.urls import report_url


def report_pages(site: Site) -> dict[str, str]:
    """Each report's page, by report key (the `page` column of the site-wide data files)."""
    return {r.key: report_url(r) for r in site.reports}


def dataset(portal: Portal, page: Any) -> dict[str, Any]:
    """A data file made whole. A build writes the four that hold every report piece by piece
    instead (`generator/incremental/splice.py`, `data_export.SPLICED_FILES`); `Renderer.render` still makes
    any page whole, as the property tests use it."""
    site, catalogue = portal.site, portal.catalogue
    name = page.context["file"]
    makers = {
        "reports.csv": lambda: data_export.reports_csv(site, report_pages(site)),
        "indicators.csv": lambda: data_export.indicators_csv(site, catalogue),
        "cells.csv": lambda: data_export.cells_csv(site, catalogue),
        "reports.json": lambda: data_export.dataset_json(site, catalogue, report_pages(site)),
        "datapackage.json": lambda: data_export.datapackage(site),
    }
    return {"body": makers[name]()}


def report_csv(portal: Portal, page: Any) -> dict[str, Any]:
    catalogue = portal.catalogue
    return {"body": data_export.report_csv(page.context["report"], catalogue)}


def report_json(portal: Portal, page: Any) -> dict[str, Any]:
    catalogue = portal.catalogue
    report = page.context["report"]
    return {"body": data_export.report_json(report, catalogue, report_url(report))}


def sitemap(portal: Portal, page: Any) -> dict[str, Any]:
    site = portal.site
    return {"body": feeds.sitemap_xml(site.config.base_url, page.context["urls"])}


def feed(portal: Portal, page: Any) -> dict[str, Any]:
    site = portal.site
    newest = latest(site, feeds.FEED_ENTRIES)
    return {"body": feeds.atom_xml(site, [(r, report_url(r)) for r in newest])}


def robots(portal: Portal, page: Any) -> dict[str, Any]:
    site = portal.site
    return {"body": feeds.robots_txt(site.config.base_url)}
