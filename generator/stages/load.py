"""Load stage: read the content folder into sources that remember where everything came from."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator.source.controls import first_invisible, strip_invisible
from generator.diagnostics import Diagnostics, Where
from generator.source.slugs import MAX_SLUG, is_slug
from generator.source.yaml_source import MAX_BYTES as MAX_YAML_BYTES, YamlDoc, decode_text, load_yaml

REPORT_FILE = re.compile(r"(?P<year>[0-9]{4})\.(?P<ext>yaml|md)\Z")  # ASCII digits: \d takes ２０２１ too
MAX_NARRATIVE_BYTES = 2 * 1024 * 1024


FileId = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns


@dataclass
class ReportSource:
    town_path: str
    year_in_name: int
    data_rel: str
    narrative_rel: str
    data: YamlDoc | None = None
    narrative: str | None = None
    raw_data: bytes | None = None  # the files' bytes, kept until parsed (see `parse_report`)
    raw_narrative: bytes | None = None
    has_narrative: bool = True
    # When a build loads (`parse_reports=False`), the files are checked but not read: their paths and
    # identities are kept, and `generator.stages.reports` reads only what its cache cannot vouch for.
    data_file: str | None = None
    narrative_file: str | None = None
    data_id: FileId | None = None  # None: the file could not be used (the problem was reported)
    narrative_id: FileId | None = None

    @property
    def readable(self) -> bool:
        """Were the report's files found usable (read, or checked for reading later)?"""
        return self.raw_data is not None or self.data_id is not None


@dataclass
class Sources:
    root: Path
    site: YamlDoc | None = None
    regions: dict[str, YamlDoc] = field(default_factory=dict)
    towns: dict[str, YamlDoc] = field(default_factory=dict)
    reports: list[ReportSource] = field(default_factory=list)


def content_prefix(root: Path) -> str:
    """How paths inside the content folder start in messages: its name ("content"), also for `--content .`."""
    return root.name or root.resolve().name


def read_plain(path: str, limit: int) -> tuple[FileId, bytes] | None:
    """A plain file's identity (as `load` records it) and bytes, outside a build; None for anything
    `load` would refuse or question (a link, a special or too large file: the full build says why)."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        with open(path, "rb") as f:
            return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns), f.read()
    except OSError:
        return None

def load(root: Path, diags: Diagnostics, *, parse_reports: bool = True) -> Sources:
    """Read every file of the content tree; problems go to `diags`, nothing raises for bad content.

    With `parse_reports=False` each report's files are only checked (`ReportSource.data_file` and
    its identity): a build reads them when its cache does not already hold the report.
    """
    sources = Sources(root)
    prefix = content_prefix(root)
    if not root.is_dir():
        diags.error("no-content", Where(str(root)), "找不到内容目录")
        return sources
    resolved_root = root.resolve()

    def rel(path: Path | str) -> str:
        return f"{prefix}/{Path(path).relative_to(root).as_posix()}"

    def read(path: Path | str, limit: int = MAX_YAML_BYTES) -> bytes | None:
        if probe(path, limit) is None:
            return None
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError as exc:
            diags.error("unreadable", Where(rel(path)), f"无法读取文件：{exc.strerror}")
            return None

    def probe(path: Path | str, limit: int = MAX_YAML_BYTES) -> FileId | None:
        """The checks of `read` without reading: the file's identity, or None (and the problem said)."""
        try:
            st = os.lstat(path)
        except OSError as exc:
            diags.error("unreadable", Where(rel(path)), f"无法读取文件：{exc.strerror}")
            return None
        if stat.S_ISLNK(st.st_mode):
            target = _real(Path(path))
            if target is None:
                diags.error("symlink-loop", Where(rel(path)), "符号链接无法解析（目标不存在或形成循环），已拒绝")
                return None
            if not target.is_relative_to(resolved_root):
                diags.error("symlink-outside", Where(rel(path)), "符号链接指向内容目录之外，已拒绝", found=str(target))
                return None
        try:
            if stat.S_ISLNK(st.st_mode):
                st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
                diags.error("not-a-file", Where(rel(path)), "不是普通文件，已拒绝")
                return None
            size = st.st_size
            if size > limit:
                diags.error("too-large", Where(rel(path)), "文件过大", expected=f"不超过 {limit // 1024} KB", found=f"{size} 字节")
                return None
            return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
        except OSError as exc:
            diags.error("unreadable", Where(rel(path)), f"无法读取文件：{exc.strerror}")
            return None

    site_file = root / "site.yaml"
    if site_file.exists():
        raw = read(site_file)
        if raw is not None:
            sources.site = load_yaml(raw, rel(site_file), diags)
    else:
        diags.error("missing-file", Where(f"{prefix}/site.yaml"), "缺少站点配置文件 site.yaml")

    for folder in _folders(root, resolved_root, diags, rel):
        segments = folder.relative_to(root).parts
        folder_path = "/".join(segments)
        bad = [s for s in segments if not is_slug(s)]
        if bad:
            diags.error(
                "bad-slug",
                Where(rel(folder)),
                f"目录名只能用小写英文字母、数字和连字符，不超过 {MAX_SLUG} 个字符（用作网址）",
                expected="例如 yangjun、huancui-qu",
                found=bad[0],
            )
            continue
        town_file = folder / "town.yaml"
        region_file = folder / "region.yaml"
        if town_file.exists():
            raw = read(town_file)
            doc = load_yaml(raw, rel(town_file), diags) if raw is not None else None
            if doc is not None:
                sources.towns[folder_path] = doc
            _reports(folder, folder_path, sources, diags, rel, read if parse_reports else None, probe)
            if region_file.exists():
                diags.error("town-and-region", Where(rel(region_file)), "同一目录不能既是镇（town.yaml）又是地区（region.yaml）")
        elif region_file.exists():
            raw = read(region_file)
            doc = load_yaml(raw, rel(region_file), diags) if raw is not None else None
            if doc is not None:
                sources.regions[folder_path] = doc
            stray = [p.name for p in folder.iterdir() if p.is_file() and REPORT_FILE.match(p.name)]
            if stray:
                diags.error("report-outside-town", Where(rel(folder / stray[0])), "年报文件应放在镇目录（含 town.yaml）中")
        else:
            diags.error(
                "missing-file",
                Where(rel(folder)),
                "目录中既没有 town.yaml 也没有 region.yaml",
                expected="地区目录放 region.yaml（写地区名称），镇目录放 town.yaml",
            )
    if parse_reports:
        for source in sources.reports:
            parse_report(source, diags)
    return sources


def _visible(text: str, rel: str, diags: Diagnostics) -> str:
    """The narrative without control and direction-override characters, with a warning where they were."""
    bad = first_invisible(text)
    if bad < 0:
        return text
    line = text.count("\n", 0, bad) + 1
    column = bad - (text.rfind("\n", 0, bad) + 1) + 1
    diags.warning(
        "control-char",
        Where(rel, line, column),
        "正文含有控制字符或文字方向控制符，已删除（请检查原文复制时是否带入了不可见字符）",
        found=f"U+{ord(text[bad]):04X}",
    )
    return strip_invisible(text)


def _is(test: Callable[[], bool]) -> bool:
    """A directory entry's is_dir or is_file, False where a link cannot be followed (a loop, say)."""
    try:
        return test()
    except OSError:
        return False


def _real(path: Path) -> Path | None:
    """The path with every link followed, or None for a link loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop; later versions OSError
        return None


def _folders(root: Path, resolved_root: Path, diags: Diagnostics, rel) -> list[Path]:  # type: ignore[no-untyped-def]
    """Every folder below root in sorted order, skipping hidden ones and refusing links that leave root.

    A linked folder that leads back to one of its own ancestors is refused too: walking
    it would never end. (Each path carries the real folders above it to tell.)
    """
    found: list[Path] = []
    reals: dict[Path, Path] = {root: resolved_root}  # each folder's real path, resolved only below a link
    stack: list[tuple[Path, frozenset[Path]]] = [(root, frozenset({resolved_root}))]
    while stack:
        folder, above = stack.pop()
        with os.scandir(folder) as entries:
            listed = [(e.name, e.is_symlink()) for e in entries if not e.name.startswith((".", "_")) and _is(e.is_dir)]
        real_folder = reals[folder]
        for name, linked in sorted(listed, reverse=True):
            child = folder / name
            real = _real(child) if linked else real_folder / name  # only a link needs resolving
            if real is None or real in above:
                diags.error("symlink-loop", Where(rel(child)), "符号链接形成循环（指向自身所在的上级目录），已拒绝")
                continue
            if child.is_symlink() and not real.is_relative_to(resolved_root):
                diags.error("symlink-outside", Where(rel(child)), "符号链接指向内容目录之外，已拒绝", found=str(real))
                continue
            found.append(child)
            reals[child] = real
            stack.append((child, above | {real}))
    return sorted(found)


def _reports(folder: Path, town_path: str, sources: Sources, diags: Diagnostics, rel, read, probe) -> None:  # type: ignore[no-untyped-def]
    """The town's reports; with `read` None, their files are checked but not read (see `ReportSource`).

    Paths are plain strings here: a content tree has two files per report, and making a `Path`
    and a relative name for each took a third of a warm build's loading at 10,000 reports.
    """
    base, base_rel = os.fspath(folder), rel(folder)
    years: dict[int, dict[str, str]] = {}  # year -> extension -> file name (as written: "0000.yaml")
    with os.scandir(base) as scanned:
        entries = sorted((e.name, _is(e.is_dir), _is(e.is_file)) for e in scanned)
    for name, is_dir, is_file in entries:
        if name.startswith((".", "_")) or name == "town.yaml" or is_dir:
            continue
        m = REPORT_FILE.match(name)
        if not is_file and not m:
            continue  # a stray socket or dangling link that is not a report file: nothing to publish
        if not m:
            diags.warning(
                "unknown-file",
                Where(f"{base_rel}/{name}"),
                "无法识别的文件，已忽略",
                expected="年份.yaml（数据）和 年份.md（正文），例如 2021.yaml、2021.md",
                found=name,
            )
            continue
        years.setdefault(int(m["year"]), {})[m["ext"]] = name
    for year, names in sorted(years.items()):
        data_name, md_name = names.get("yaml", f"{year}.yaml"), names.get("md", f"{year}.md")
        data_path, md_path = f"{base}/{data_name}", f"{base}/{md_name}"
        source = ReportSource(town_path, year, f"{base_rel}/{data_name}", f"{base_rel}/{md_name}")
        if "yaml" not in names:
            diags.error("missing-file", Where(source.narrative_rel), f"有正文 {md_name} 却没有数据文件 {data_name}")
            continue
        if read is not None:
            source.raw_data = read(data_path)
        else:
            source.data_file, source.data_id = data_path, probe(data_path)
        if "md" in names:
            if read is not None:
                source.raw_narrative = read(md_path, MAX_NARRATIVE_BYTES)  # the size is checked before reading
            else:
                source.narrative_file, source.narrative_id = md_path, probe(md_path, MAX_NARRATIVE_BYTES)
        else:
            source.has_narrative = False
            diags.error("missing-file", Where(source.narrative_rel), f"缺少正文文件 {md_name}", expected="与数据文件同名的 Markdown 正文")
        sources.reports.append(source)


def parse_report(source: ReportSource, diags: Diagnostics) -> None:
    """Parse a report's raw bytes into its YAML document and narrative text (dropping the bytes)."""
    if source.raw_data is not None:
        source.data = load_yaml(source.raw_data, source.data_rel, diags)
    raw_md = source.raw_narrative
    if raw_md is not None:
        if len(raw_md) > MAX_NARRATIVE_BYTES:
            diags.error(
                "too-large",
                Where(source.narrative_rel),
                "正文文件过大",
                expected=f"不超过 {MAX_NARRATIVE_BYTES // 1024 // 1024} MB",
                found=f"{len(raw_md)} 字节",
            )
        else:
            text = decode_text(raw_md, source.narrative_rel, diags)
            source.narrative = _visible(text, source.narrative_rel, diags) if text is not None else None
    source.raw_data = source.raw_narrative = None
