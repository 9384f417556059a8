"""Assemble the archive's files from a built site (as it is: its search works from disk) and write them as a deterministic zip.

Same site, same bytes: entries are sorted, every entry has the same timestamp (SOURCE_DATE_EPOCH
when set, else 1980-01-01 00:00, the earliest a zip can hold), the same permissions (0644), no
directory entries and no extra fields; compression is deflate level 9.
"""

from __future__ import annotations

import html
import os
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator.archive.manifest import MANIFEST, write_manifest
from generator.search.reader import payload
from generator.search.stage import FOLDER as SEARCH_FOLDER

README = "README.txt"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class ArchiveError(Exception):
    """The site cannot be archived (not a built site, say), or SOURCE_DATE_EPOCH is unusable."""


@dataclass
class Assembled:
    files: dict[str, bytes]
    reports: int | None  # reports in the site's search index; None when it was built without one
    index_bytes: int  # size of the search index (search-data/)


def assemble(site: Path) -> Assembled:
    """Every file of the archive (path -> bytes), manifest included: the built site as it is.

    The site's search page and its index (search-data/, classic scripts) work from disk as they
    do on the web, so nothing is rebuilt here: the archive only adds a README and the manifest.
    """
    if not (site / "index.html").is_file():
        raise ArchiveError(f"{site} 不是生成好的站点（没有 index.html）；请先运行 nianbao build")
    files: dict[str, bytes] = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_dir() or any(p.startswith(".") for p in rel.split("/")):
            continue
        if path.is_symlink():
            raise ArchiveError(f"站点中有符号链接，不能存档：{rel}")
        files[rel] = path.read_bytes()
    meta = site / SEARCH_FOLDER / "meta.js"
    reports = _report_count(meta) if meta.is_file() else None
    index_bytes = sum(len(data) for rel, data in files.items() if rel.startswith(SEARCH_FOLDER + "/"))
    for name in (README, MANIFEST):
        if name in files:
            raise ArchiveError(f"站点中已有文件 {name}，与存档自带的文件重名")
    files[README] = readme(_site_name(files["index.html"]), reports)
    files[MANIFEST] = write_manifest(files)
    return Assembled(files, reports, index_bytes)


def _report_count(meta: Path) -> int:
    try:
        found = payload(meta)
        count = found["count"] if isinstance(found, dict) else None
    except (ValueError, KeyError, OSError) as exc:
        raise ArchiveError(f"站点的检索索引 {meta} 无法读取（{exc}）；请重新运行 nianbao build") from exc
    if not isinstance(count, int):
        raise ArchiveError(f"站点的检索索引 {meta} 无法读取；请重新运行 nianbao build")
    return count


def _site_name(home: bytes) -> str:
    text = home.decode("utf-8", errors="replace")
    m = re.search(r'<meta name="SiteName" content="([^"]*)"', text) or re.search(r"<title>(.*?)</title>", text, re.S)
    return html.unescape(m.group(1)).strip() if m else ""


def readme(site_name: str, reports: int | None) -> bytes:
    """The README for whoever receives the archive: UTF-8 with a byte-order mark and CRLF, for Windows Notepad."""
    name = f"“{site_name}”" if site_name else "本门户"
    holding = f"，收录 {reports} 份政府信息公开工作年度报告" if reports is not None else ""
    search = """3. 检索：打开 search/index.html（页面顶部的检索框也通向这一页）。检索在本机运行，
   可按乡镇名称或词语（如“依申请公开”“行政复议”）查找，并按地区、乡镇、年度、报告格式筛选。
""" if reports is not None else """3. 本站生成时未建立全文检索索引，请从首页按地区、按年度浏览全部年报。
"""
    text = f"""{site_name or '政府信息公开工作年度报告'} 离线存档

一、这是什么
本压缩包是{name}网站的完整离线副本{holding}。
不需要联网，也不需要安装任何软件，用电脑上的浏览器即可阅读和检索。

二、怎样打开
1. 先把压缩包完整解压（Windows：右键单击压缩包，选“全部解压缩”）。
   不要在压缩软件的预览窗口里直接打开网页，那样链接和检索都无法使用。
2. 打开解压出的文件夹，双击 index.html，即用浏览器打开首页。
{search}
三、怎样核对文件完整、未被改动
MANIFEST.sha256 列出了存档中其他每个文件的 SHA-256 校验值。任选一种方法核对：
- 装有 nianbao 的电脑：nianbao verify 压缩包或解压出的文件夹
  （列出缺少、多出和被改动的文件；全部一致时提示“完整”）。
- Linux：在解压出的文件夹中运行  sha256sum -c MANIFEST.sha256
- macOS：在解压出的文件夹中运行  shasum -a 256 -c MANIFEST.sha256
- Windows：在 PowerShell 中运行  Get-FileHash 文件名 -Algorithm SHA256
  将得到的值与 MANIFEST.sha256 中对应的一行比对。
"""
    return "\ufeff".encode("utf-8") + text.replace("\n", "\r\n").encode("utf-8")


def zip_time(environ: dict[str, str] | None = None) -> tuple[int, int, int, int, int, int]:
    """The one timestamp of every entry: SOURCE_DATE_EPOCH (UTC) when set, else 1980-01-01 00:00."""
    value = (environ if environ is not None else os.environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return ZIP_EPOCH
    if not value.isdigit():
        raise ArchiveError(f"环境变量 SOURCE_DATE_EPOCH 应为非负整数（秒），现为“{value}”")
    t = time.gmtime(int(value))
    if t.tm_year < 1980:
        return ZIP_EPOCH
    if t.tm_year > 2107:
        raise ArchiveError(f"SOURCE_DATE_EPOCH={value} 超出 zip 能记录的年份（1980–2107）")
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


def write_zip(files: dict[str, bytes], out: Path, folder: str, date_time: tuple[int, int, int, int, int, int]) -> None:
    """Write the zip atomically (a temporary file beside `out`, renamed when complete)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        with zipfile.ZipFile(temp, "w") as z:
            for name in sorted(files):
                info = zipfile.ZipInfo(f"{folder}/{name}", date_time=date_time)
                info.create_system = 3  # Unix, so that the permissions below are read
                info.external_attr = (0o100644 & 0xFFFF) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        os.replace(temp, out)
    finally:
        if temp.exists():
            temp.unlink()


def folder_name(out: Path) -> str:
    """The one folder at the top of the zip: the zip's own name without `.zip` (what unzipping by hand gives)."""
    name = out.name[:-4] if out.name.lower().endswith(".zip") else out.name
    return name or "archive"
