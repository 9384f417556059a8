"""The package reads as the pipeline: every import of a generator module points down these layers
(or stays inside its own folder), so that no folder needs one above it (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).parent

# Lowest first. A module may import its own folder and any layer below its own.
LAYERS: list[set[str]] = [
    {"diagnostics"},
    {"source"},
    {"formats"},
    {"model"},
    {"narrative"},
    {"incremental"},  # what a build reuses: below the renderers, which describe spliced files
    {"render"},
    {"pages"},
    {"parallel", "progress"},
    {"stages", "search"},
    {"archive", "importer", "synth"},
    {"build"},  # the whole build (`pipeline`), and the build of an edit to narratives' text alone (`text_edit`)
    {"preview"},
    {"cli"},  # loads the commands by name
    {"commands"},
    {"__main__"},
]


def unit(module: str) -> str:
    """`generator.render.views` -> "render"; `generator.cli` -> "cli"."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer(name: str) -> int:
    for i, names in enumerate(LAYERS):
        if name in names:
            return i
    raise AssertionError(f"generator/{name} is in no layer of tests/test_layers.py: place it")


def imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "generator":
            if node.module == "generator":
                found += [(node.lineno, f"generator.{a.name}") for a in node.names if a.name != "__version__"]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "generator"]
    return [(line, m) for line, m in found if m not in ("generator", "generator.themes")]


def test_every_import_points_down_the_layers() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        here = rel.parts[0].removesuffix(".py")
        if here == "__init__":
            continue
        for line, module in imports(path):
            there = unit(module)
            if there != here and layer(there) >= layer(here):
                upward.append(f"generator/{rel}:{line} imports {module}")
    assert upward == []


def test_only_these_modules_are_left_at_the_top() -> None:
    """A new module goes into the folder of its layer."""
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert top == {"cli", "diagnostics", "parallel", "progress"}


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    planted = tmp_path / "m.py"
    planted.write_text("from generator.stages.lint import lint\nimport generator.render.views\n", encoding="utf-8")
    assert [m for _, m in imports(planted)] == ["generator.stages.lint", "generator.render.views"]
    assert layer(unit("generator.stages.lint")) > layer("pages")
