"""Names and values from templates cannot forge Markdown in the PR comment: rendered with a real
CommonMark + GFM renderer (tables, autolinks), report.md holds no link, image or HTML of theirs."""

from __future__ import annotations

import shutil
from pathlib import Path

from markdown_it import MarkdownIt

from .harness import FIXTURES, run_checks


def test_hostile_names_and_values_render_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "infra"
    folder.mkdir()
    # a file name with a backtick, brackets and HTML (no '/' can be in a name)
    hostile = folder / "evil`](www.evil.example)[<img src=x onerror=alert(1)>.yaml"
    shutil.copy(FIXTURES / "md_injection" / "template.yaml", hostile)
    run = run_checks(tmp_path, "--templates", str(folder))
    comment = run.reports["report.md"]
    html = MarkdownIt("gfm-like").render(comment)
    assert "evil.example" in html  # the values are there, as text
    assert "href=" not in html.replace('href="#', "")  # no link at all (the report itself has none)
    assert "<img" not in html  # (as text it is &lt;img ...)
    for row in comment.splitlines():
        if row.startswith("| "):
            cells = MarkdownIt("gfm-like").render(f"{row}\n")
            assert "<a " not in cells
    assert run.code == 1
