"""Regions as a tree (province › city › county › town), keeping only branches that lead to towns."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model import Region, Site, Town


@dataclass
class RegionNode:
    region: Region | None  # None for the root of the whole site
    children: list["RegionNode"] = field(default_factory=list)
    towns: list[Town] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.region.path if self.region else ""

    def all_towns(self) -> list[Town]:
        found = list(self.towns)
        for child in self.children:
            found.extend(child.all_towns())
        return sorted(found, key=lambda t: t.path)


def region_tree(site: Site) -> RegionNode:
    root = RegionNode(None)
    nodes: dict[str, RegionNode] = {"": root}
    for region in sorted(site.regions, key=lambda r: r.path):
        nodes[region.path] = RegionNode(region)
    for town in site.towns:
        nodes.setdefault(town.region_path, root).towns.append(town)
    for region in sorted(site.regions, key=lambda r: r.path):
        parent = region.path.rsplit("/", 1)[0] if "/" in region.path else ""
        nodes.get(parent, root).children.append(nodes[region.path])
    _prune(root)
    return root


def _prune(node: RegionNode) -> bool:
    """Drop branches without towns; True when this node keeps any town."""
    node.children = [c for c in node.children if _prune(c)]
    node.towns.sort(key=lambda t: t.path)
    return bool(node.children or node.towns)


def find(node: RegionNode, path: str) -> RegionNode | None:
    if node.path == path:
        return node
    for child in node.children:
        if path == child.path or path.startswith(child.path + "/"):
            return find(child, path)
    return None


def ancestors(site: Site, region: Region) -> list[Region]:
    """The regions above `region`, from the top down."""
    by_path = {r.path: r for r in site.regions}
    parts = region.path.split("/")
    return [by_path["/".join(parts[:i])] for i in range(1, len(parts)) if "/".join(parts[:i]) in by_path]


@dataclass(frozen=True)
class TownGroup:
    """Towns shown together on one compare page: all towns under `region`, or only those directly in it."""

    region: Region | None  # None: towns directly under the root of the site
    towns: tuple[Town, ...]


def town_groups(root: RegionNode, limit: int) -> list[TownGroup]:
    """Split the towns into groups of at most `limit` (where regions allow), each a whole region where it fits.

    A region whose towns fit is one group; a larger one is split along its sub-regions, and the
    towns directly in it (beside its sub-regions) form a group of their own.
    """
    towns = root.all_towns()
    if len(towns) <= limit or not root.children:
        return [TownGroup(root.region, tuple(towns))]
    groups: list[TownGroup] = []
    if root.towns:
        groups.append(TownGroup(root.region, tuple(root.towns)))
    for child in root.children:
        groups.extend(town_groups(child, limit))
    return groups
