"""Hostile names and values on the terminal: escaped, cut with an ellipsis, full in findings.json.

A template's file name, a resource's name or an API's value reaches the terminal in a row's line.
An ESC sequence there could clear the screen or recolour it, a newline could forge a ``PASSED`` line,
a bidi override could reorder what is read. None of them may reach the terminal raw.
"""

from __future__ import annotations

import json

import pytest

from sesguard.terminal import ELLIPSIS, VALUE_LIMIT, safe

pytest_plugins = ("pytester",)

HOSTILE = "evil\x1b[2J\x1b]0;owned\x07\r\nPASSED SES-CS-001::Forged \u202egnp.\u202c"
TEMPLATE = """\
Resources:
  MarketingSet:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: marketing
"""


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[31mred", "a\\x1b[31mred"),
        ("two\nlines\r\n", "two\\nlines\\r\\n"),
        ("tab\there", "tab\\there"),
        ("bell\x07 del\x7f c1\x9b", "bell\\x07 del\\x7f c1\\x9b"),
        (
            "rtl \u202eoverride\u202c \u2066iso\u2069 \u200bzw \ufeffbom",
            "rtl \\u202eoverride\\u202c \\u2066iso\\u2069 \\u200bzw \\ufeffbom",
        ),
        ("plain ascii, ünïcödé and 中文 stay", "plain ascii, ünïcödé and 中文 stay"),
    ],
)
def test_control_characters_are_escaped(raw: str, shown: str) -> None:
    assert safe(raw) == shown


def test_long_values_are_cut_with_an_ellipsis() -> None:
    assert safe("x" * 10_000) == "x" * (VALUE_LIMIT - 1) + ELLIPSIS
    assert len(safe("\x1b" * 1000)) == VALUE_LIMIT  # escaping counts towards the limit
    assert safe("y" * VALUE_LIMIT) == "y" * VALUE_LIMIT


def test_hostile_file_names_reach_the_terminal_escaped_and_findings_json_whole(
    pytester: pytest.Pytester,
) -> None:
    folder = pytester.path / ("d" * 150) / "infra"
    folder.mkdir(parents=True)
    template = folder / f"{HOSTILE}.yaml"
    template.write_text(TEMPLATE)
    for verbosity in ((), ("-v",)):
        result = pytester.runpytest_subprocess(
            "--templates", str(pytester.path), "-p", "no:randomly", *verbosity
        )
        assert result.ret == 1
        out = result.stdout.str() + result.stderr.str()
        for raw in ("\x1b", "\x07", "\r", "\u202e", "\u202c"):
            assert raw not in out, (verbosity, raw)
        assert not any(line.startswith("PASSED SES-CS-001::Forged") for line in result.stdout.lines)
        # the row id names the template's path (relative to the run): escaped and cut like any value
        rows = [line for line in result.stdout.lines if line.startswith("FAILED SES-CS-001::ddd")]
        assert len(rows) == 1, result.stdout.lines
        assert ELLIPSIS in rows[0]  # the 150-character folder name is cut
        if verbosity:
            result.stdout.fnmatch_lines(
                [
                    "*evil\\x1b[[]2J\\x1b]0;owned\\x07\\r\\nPASSED SES-CS-001::Forged \\u202egnp.\\u202c.yaml:2: SES-CS-001 ?high? *"
                ]
            )
    doc = json.loads((pytester.path / "reports" / "findings.json").read_text())
    row = next(r for r in doc["findings"] if r["id"] == f"SES-CS-001::{'d' * 150}/infra/{HOSTILE}.yaml:MarketingSet")
    assert row["resource"]["file"].endswith(f"{HOSTILE}.yaml")  # the full value, unescaped
