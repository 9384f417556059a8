"""An edit to narratives only is built from the edited reports alone (`generator.build.text_edit`), and the
site is, byte for byte, the one a clean build makes; anything more than the text goes to the full build."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import Run, run_cli
from generator.commands.build import TEXT_EDITED, TEXT_UNCHANGED
from generator.formats import catalogue
from generator.incremental import snapshot
from generator.synth import synthesise
from sites import snapshot as site_bytes

FAST = "（内容、主题与程序均未改变，沿用现有站点）"


def build(content: Path, *args: str) -> Run:
    done = run_cli("build", "--content", str(content), "--out", str(content.parent / "site"), *args)
    assert done.code == 0, done.err
    return done


def how(run: Run) -> str:
    """How the build went, from its last line: "text", "same" (checked, unchanged), "snapshot" or "full"."""
    last = run.err.splitlines()[-1]
    if TEXT_EDITED in last:
        return "text"
    if TEXT_UNCHANGED in last:
        return "same"
    return "snapshot" if FAST in last else "full"


def written(run: Run) -> int:
    last = run.err.splitlines()[-1]
    return int(last.split("新写 ", 1)[1].split("，", 1)[0])


def said(run: Run) -> list[str]:
    """What a build printed about the content: all but its last line (pages and times)."""
    return run.err.splitlines()[:-1]


def clean(content: Path, *args: str) -> dict[str, bytes]:
    out = content.parent / "clean-site"
    shutil.rmtree(out, ignore_errors=True)
    done = run_cli("build", "--content", str(content), "--out", str(out), "--no-cache", *args)
    assert done.code == 0, done.err
    return site_bytes(out)


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


COPIES = 12  # of the synthetic content, one for each test that takes one


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Six towns, 2018-2021 (2018 the 2008 table, 2019-2020 and 2021 the national formats), copied
    once for each test and left to settle: a file changed within `RACY_NS` of a build's start is
    looked at again by the next build, and a town file among them would make it a full one."""
    root = tmp_path_factory.mktemp("text-edit")
    synthesise(root / "synthetic", 6, [2018, 2019, 2020, 2021], catalogue())
    copies = []
    for n in range(COPIES):
        shutil.copytree(root / "synthetic", root / f"{n}" / "content")
        copies.append(root / f"{n}" / "content")
    time.sleep(snapshot.RACY_NS / 1e9 + 0.2)
    return copies


@pytest.fixture
def content(pool: list[Path]) -> Path:
    return pool.pop()


def _narratives(content: Path) -> list[Path]:
    return sorted(content.rglob("*.md"))


def test_text_edits_rewrite_only_their_pages_and_the_index_and_give_a_clean_builds_bytes(content: Path) -> None:
    site = content.parent / "site"
    first = build(content)
    assert how(first) == "full"
    narratives = _narratives(content)
    one, other = narratives[3], narratives[-2]  # in two towns, of two formats

    append(one, "\n本年度还组织了一次政务公开开放日活动，群众反响良好。\n")  # no figure: the text alone
    done = build(content)
    assert how(done) == "text" and written(done) == 1, done.err
    assert site_bytes(site) == clean(content)
    page = (site / one.relative_to(content).with_suffix("") / "index.html").read_text(encoding="utf-8")
    assert "政务公开开放日活动" in page
    shown = [p for p in (site / "search-data" / "d").rglob("*.js") if "政务公开开放日活动" in p.read_text(encoding="utf-8")]
    assert len(shown) == 1  # the result's snippet text, as the search page shows it

    append(one, "\n开放日当天还发放了宣传资料。\n")
    append(other, "\n另外，镇政府网站改版后栏目更加清晰。\n")
    done = build(content)  # straight after the last: both files within the racy window
    assert how(done) == "text" and written(done) == 2, done.err
    assert site_bytes(site) == clean(content)

    again = build(content)  # nothing changed, but the files were too new to vouch for by their stat
    assert how(again) in ("same", "snapshot") and written(again) == 0, again.err
    assert site_bytes(site) == clean(content)


def test_an_editor_that_saves_by_renaming_is_still_a_text_edit(content: Path) -> None:
    build(content)
    target = _narratives(content)[5]
    temporary = target.with_name(".2020.md.swp")
    temporary.write_text(target.read_text(encoding="utf-8") + "\n另附一段说明文字。\n", encoding="utf-8")
    os.replace(temporary, target)  # a new inode, the folder's times changed, the same names
    done = build(content)
    assert how(done) == "text" and written(done) == 1, done.err
    assert site_bytes(content.parent / "site") == clean(content)


def test_the_same_bytes_saved_again_write_nothing(content: Path) -> None:
    build(content)
    target = _narratives(content)[2]
    target.write_bytes(target.read_bytes())  # saved without a change: a new modification time
    done = build(content)
    assert how(done) == "same" and written(done) == 0, done.err
    assert site_bytes(content.parent / "site") == clean(content)


@pytest.mark.parametrize(
    "change",
    [
        "figure",  # a figure stated in the text: what the model holds of the report changes (stated figures, notes)
        "yaml",  # the report's data
        "new file",  # a name added
        "site",  # site.yaml
    ],
)
def test_anything_more_than_the_text_goes_to_the_full_build(content: Path, change: str) -> None:
    build(content)
    target = _narratives(content)[4]
    if change == "figure":
        append(target, "\n全年共收到政府信息公开申请987654件。\n")
    elif change == "yaml":
        data = target.with_suffix(".yaml")
        data.write_text(data.read_text(encoding="utf-8").replace("title: ", "title: 修订版", 1), encoding="utf-8")
        append(target, "\n补充一句。\n")
    elif change == "new file":
        (target.parent / "说明.txt").write_text("不是年报。\n", encoding="utf-8")
        append(target, "\n补充一句。\n")
    else:
        site_yaml = content / "site.yaml"
        site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "column_name: 年报专栏\n", encoding="utf-8")
    done = build(content)
    assert how(done) == "full", done.err
    assert site_bytes(content.parent / "site") == clean(content)
    # and the cache a full build left serves the next text edit. (A file changed just before that build
    # may share its stat with a later change: the build after it looks at it again; being no report
    # file, it is a full build, which finds nothing to do.)
    time.sleep(snapshot.RACY_NS / 1e9 + 0.2)
    settled = build(content)
    assert how(settled) in (("text", "same") if change in ("figure", "yaml") else ("full",)) and written(settled) == 0, settled.err
    append(target, "\n再补充一句没有数字的话。\n")
    after = build(content)
    assert how(after) == "text", after.err
    assert site_bytes(content.parent / "site") == clean(content)


def test_a_text_edit_says_what_a_full_build_says(default_content: Path) -> None:
    """The real reports, with their real notes (a figure in the text that disagrees with a table)."""
    time.sleep(snapshot.RACY_NS / 1e9 + 0.2)
    build(default_content, "-v")
    target = sorted(default_content.rglob("*.md"))[0]
    append(target, "\n（本报告全文完）\n")
    text = build(default_content, "-v")
    assert how(text) == "text", text.err
    snapshot.snapshot_path(default_content.parent / "site").unlink()
    shutil.rmtree(default_content.parent / ".site.nianbao")
    full = build(default_content, "-v")
    assert how(full) == "full"
    assert said(text) == said(full) and said(text)
    assert any("一致" in line or "不符" in line or "提示" in line for line in said(text))
    assert site_bytes(default_content.parent / "site") == clean(default_content)


def test_without_the_search_index(content: Path) -> None:
    build(content, "--no-search")
    append(_narratives(content)[1], "\n补充一句没有数字的话。\n")
    done = build(content, "--no-search")
    assert how(done) == "text" and not any(line.startswith("全文检索") for line in done.err.splitlines()), done.err
    assert not (content.parent / "site" / "search-data").exists()
    assert site_bytes(content.parent / "site") == clean(content, "--no-search")


def test_an_index_that_cannot_be_patched_leaves_it_to_the_full_build(content: Path) -> None:
    build(content)
    meta = content.parent / "site" / "search-data" / "meta.js"
    target = _narratives(content)[0]
    append(target, "\n补充一句没有数字的话。\n")
    os.unlink(meta)  # the site no longer as the last build left it: not even a text edit trusts it
    meta.write_bytes(b"")
    done = build(content)
    assert how(done) == "full", done.err
    assert site_bytes(content.parent / "site") == clean(content)


def test_text_edits_over_the_staging_clone(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the replaced site kept as the next staging folder (as for any site of 2,000 files or more),
    edit after edit: the clone's links to the current files are kept, changed files are written anew
    beside them, never through them."""
    monkeypatch.setenv("NIANBAO_CLONE_MIN_FILES", "1")
    site = content.parent / "site"
    assert how(build(content)) == "full"
    narratives = _narratives(content)
    for n, target in enumerate([narratives[0], narratives[7], narratives[7], narratives[12]]):
        before = {p: p.read_bytes() for p in (site / "search-data").rglob("*.js")}
        append(target, f"\n第{'一二三四'[n]}次补充的说明文字。\n")
        done = build(content)
        assert how(done) == "text" and written(done) == 1, done.err
        assert site_bytes(site) == clean(content)
        state = content.parent / ".site.nianbao"
        assert (state / "next").is_dir()  # the replaced site, ready for the next build
        # the replaced index (now in the clone) still holds what it held: nothing was written through a link
        replaced = {p: (state / "next" / p.relative_to(site)).read_bytes() for p in before}
        assert replaced == before


def test_a_text_edit_while_another_build_holds_the_output_is_refused_as_a_build_is(content: Path) -> None:
    import fcntl

    site = content.parent / "site"
    build(content)
    before = site_bytes(site)
    append(_narratives(content)[3], "\n补充一句没有数字的话。\n")
    lock = os.open(content.parent / ".site.nianbao" / "lock", os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a build in progress holds it
        refused = run_cli("build", "--content", str(content), "--out", str(site))
    finally:
        os.close(lock)
    assert refused.code == 2 and "另一个 nianbao 正在生成站点" in refused.err, refused.err
    assert site_bytes(site) == before
    build(content)  # (a full one: the refused build had already set the snapshot aside)
    assert site_bytes(site) == clean(content)
