"""Exit codes and their messages, as documented in docs/cli.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CONTENT, REPO, run_cli
from generator import cli
from sites import narrative_content, snapshot

DOC = (REPO / "docs/cli.md").read_text(encoding="utf-8")


def build(*args: str):  # type: ignore[no-untyped-def]
    return run_cli("build", "--no-search", *args)


def test_the_documented_codes_are_the_cli_constants() -> None:
    rows = dict(re.findall(r"^\| `(\d+)` \| ([^|]+) \|", DOC, re.MULTILINE))
    assert set(rows) == {"0", "1", "2", "3", "130"}
    assert (cli.EXIT_OK, cli.EXIT_CONTENT, cli.EXIT_USAGE, cli.EXIT_INTERNAL) == (0, 1, 2, 3)


def test_0_success(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    result = build("--content", str(content), "--out", str(tmp_path / "site"))
    assert result.code == 0, result.err
    assert "已生成" in result.err and "0 个错误" in result.err
    assert run_cli("check", "--content", str(content)).code == 0


def test_1_content_errors_in_check_and_build(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    (content / "sheng/shi/xian/zhen000/2021.yaml").write_text("format: narrative\nyear: 2020\ntitle: x\n", encoding="utf-8")
    checked = run_cli("check", "--content", str(content))
    assert checked.code == 1 and "year-mismatch" in checked.err
    built = build("--content", str(content), "--out", str(tmp_path / "site"))
    assert built.code == 1
    assert "（1 个错误）：未发布该年报" in built.err and "已生成" in built.err


def test_1_warnings_under_strict(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    (content / "sheng/shi/xian/zhen000/2021.yaml").write_text(
        "format: narrative\nyear: 2021\ntitle: x\npublished: 2021-06-01\n", encoding="utf-8"
    )
    assert build("--content", str(content), "--out", str(tmp_path / "a")).code == 0
    strict = build("--content", str(content), "--out", str(tmp_path / "b"), "--strict")
    assert strict.code == 1 and "严格模式" in strict.err
    assert (tmp_path / "b" / "index.html").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (("build", "--bogus"), "用法错误：unrecognized arguments"),
        (("frobnicate",), "用法错误："),
        (("build", "--jobs", "x"), "用法错误："),
        (("build", "--jobs", "-1"), "用法错误：--jobs 不能为负数"),
        ((), "用法错误："),
    ],
)
def test_2_bad_arguments(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 2, result.err
    assert message in result.err


def test_2_missing_content_folder(tmp_path: Path) -> None:
    for verb in (("check",), ("build", "--out", str(tmp_path / "site"))):
        result = run_cli(*verb, "--content", str(tmp_path / "nope"))
        assert result.code == 2 and "用法错误：找不到内容目录" in result.err


def test_2_output_that_must_not_be_replaced(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    for out in (content, content / "site", tmp_path, Path("/")):
        result = build("--content", str(content), "--out", str(out))
        assert result.code == 2 and "用法错误" in result.err, out
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "chapter1.docx").write_bytes(b"precious")
    result = build("--content", str(content), "--out", str(foreign))
    assert result.code == 2 and "不是 nianbao 生成的站点" in result.err
    assert snapshot(foreign) == {"chapter1.docx": b"precious"}


def test_2_output_that_cannot_be_written(tmp_path: Path) -> None:
    content = narrative_content(tmp_path / "content", 1)
    (tmp_path / "blocker").write_bytes(b"a file where a folder should be")
    result = build("--content", str(content), "--out", str(tmp_path / "blocker" / "site"))
    assert result.code == 2, result.err
    assert "用法错误：无法写入输出目录" in result.err and "内部错误" not in result.err


def test_3_internal_error_says_so_and_where_to_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    content = narrative_content(tmp_path / "content", 1)
    out = tmp_path / "site"
    assert cli.main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 0
    before = snapshot(out)

    def broken(*args: object) -> bytes:
        raise RuntimeError("a bug in a template filter")

    monkeypatch.setattr("generator.stages.render.Renderer.render", broken)
    code = cli.main(["build", "--content", str(content), "--out", str(out), "--no-search", "--no-cache"])
    err = capsys.readouterr().err
    assert code == 3
    assert "RuntimeError: a bug in a template filter" in err  # the traceback, for the report
    assert "内部错误（这不是内容的问题）" in err and "报告给" in err
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == [".site.nianbao"]  # the one hidden folder
    assert not any(p.name.startswith("building-") for p in (tmp_path / ".site.nianbao").iterdir())  # the staging folder went


def test_the_internal_error_message_points_at_a_real_section() -> None:
    section = re.search(r"“(.+?)”一节", cli.REPORT_TO)
    assert section is not None
    assert f"## {section.group(1)}\n" in (REPO / "README.md").read_text(encoding="utf-8")
    assert f"报告给{cli.REPORT_TO}。" in DOC


def test_raise_internal_lets_an_internal_error_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`NIANBAO_RAISE` is read by the command's entry alone and given to `main` as `raise_internal`."""
    content = narrative_content(tmp_path / "content", 1)

    def broken(*args: object) -> bytes:
        raise RuntimeError("a bug in a template filter")

    monkeypatch.setattr("generator.stages.render.Renderer.render", broken)
    with pytest.raises(RuntimeError, match="a bug in a template filter"):
        cli.main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search"], raise_internal=True)
    monkeypatch.setenv("NIANBAO_RAISE", "1")
    assert cli.main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search"]) == 3  # main reads no environment
