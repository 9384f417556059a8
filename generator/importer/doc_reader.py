"""Reading legacy Word (.doc) and WPS (.wps) files: converted to .docx by LibreOffice, then read as .docx."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.importer.pieces import Source


class NoConverter(Exception):
    """LibreOffice is not installed, or it could not convert the file."""


def converter() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def read_doc(path: Path) -> Source:
    from generator.importer.docx_reader import read_docx

    program = converter()
    if program is None:
        raise NoConverter(
            f"{path.name} 是旧版 Word/WPS 文件（{path.suffix}），需要先转换：请用 Word 或 WPS 打开后“另存为” .docx 再导入，"
            "或安装 LibreOffice（命令 soffice），导入时会自动转换"
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        try:
            run = subprocess.run(
                [program, "--headless", "--convert-to", "docx", "--outdir", tmp, str(path)],
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as error:
            raise NoConverter(f"用 LibreOffice 转换 {path.name} 失败：{error}；请用 Word 或 WPS 另存为 .docx 后再导入") from error
        converted = Path(tmp) / f"{path.stem}.docx"
        if run.returncode != 0 or not converted.is_file():
            detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["没有生成 .docx"]
            raise NoConverter(f"用 LibreOffice 转换 {path.name} 失败（{detail[0]}）；请用 Word 或 WPS 另存为 .docx 后再导入")
        source = read_docx(converted)
    source.path = path
    return source
