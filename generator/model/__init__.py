"""The content model: frozen values, no I/O."""

from generator.model.site import IndicatorValue, Region, Report, Signature, Site, SiteConfig, Source, Town

__all__ = ["IndicatorValue", "Region", "Report", "Signature", "Site", "SiteConfig", "Source", "Town"]
