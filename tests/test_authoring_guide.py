"""docs/authoring.md is executed: its ruleset blocks are assembled into a ruleset, its golden
cases run, and every command it shows is run with its output checked.

Blocks marked ```yaml guide-ruleset add to the ruleset in order (mappings merge, list entries
with the same ``id`` merge, other values replace); the ```yaml guide-cases block is the golden
file. In ```console blocks, each ``$ eligibility …`` line is run in a folder holding
``my-rulesets/zz/guide.yaml`` and its cases; the lines after it are its exact output, where a
line ``…`` stands for any number of lines.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from eligibility.cli import app
from tests.conftest import ROOT

GUIDE = ROOT / "docs" / "authoring.md"
BLOCK = re.compile(r"```(\w+)(?: ([\w-]+))?\n(.*?)```", re.S)


def _blocks(kind: str, tag: str | None = None) -> list[str]:
    return [
        body
        for lang, label, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
        if lang == kind and (tag is None or label == tag)
    ]


def merge(base: Any, extra: Any) -> Any:
    """Add ``extra`` to ``base`` as the guide describes."""
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    if (
        isinstance(base, list)
        and isinstance(extra, list)
        and all(isinstance(i, dict) and "id" in i for i in [*base, *extra])
    ):
        out_list = list(base)
        for item in extra:
            at = next((i for i, old in enumerate(out_list) if old["id"] == item["id"]), None)
            if at is None:
                out_list.append(item)
            else:
                out_list[at] = merge(out_list[at], item)
        return out_list
    return extra


def _commands() -> list[tuple[str, list[str]]]:
    out = []
    for body in _blocks("console"):
        for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
            command, *expected = chunk.rstrip("\n").split("\n")
            out.append((command, expected))
    return out


def _matches(expected: list[str], actual: list[str]) -> bool:
    """``expected`` equals ``actual``, where a line ``…`` matches any run of lines."""
    pattern = "".join(
        r"(?:.*\n)*?" if line == "…" else re.escape(line) + r"\n" for line in expected
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the guide's ruleset and golden cases in place, as a reader would have it."""
    root = tmp_path_factory.mktemp("guide")
    ruleset: Any = {}
    for block in _blocks("yaml", "guide-ruleset"):
        ruleset = merge(ruleset, yaml.safe_load(block))
    folder = root / "my-rulesets" / "zz"
    (folder / "cases").mkdir(parents=True)
    header = "# yaml-language-server: $schema=../ruleset.schema.json\n"
    (folder / "guide.yaml").write_text(
        header + yaml.safe_dump(ruleset, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    (folder / "cases" / "guide.yaml").write_text(_blocks("yaml", "guide-cases")[0])
    golden = yaml.safe_load(_blocks("yaml", "guide-cases")[0])
    wrong = golden["cases"][1]
    wrong["expect"]["police_caution"]["because"] = ["admits_and_consents"]
    (root / "wrong.yaml").write_text(yaml.safe_dump({"cases": [wrong]}, sort_keys=False))
    return root


def test_the_guide_shows_each_kind_of_block() -> None:
    """The guide has its ruleset steps, its golden cases and its commands."""
    assert 6 <= len(_blocks("yaml", "guide-ruleset"))
    assert 1 == len(_blocks("yaml", "guide-cases"))
    assert {"test", "explore", "schema"} <= {shlex.split(c)[1] for c, _ in _commands()}


def test_the_editor_modeline_points_at_the_schema_the_guide_saves() -> None:
    """The ruleset's first line names, relative to my-rulesets/zz/, the file the schema
    command writes."""
    first_line = _blocks("yaml", "guide-ruleset")[0].splitlines()[0]
    schema_command = next(c for c, _ in _commands() if c.startswith("eligibility schema"))
    assert first_line.startswith("# yaml-language-server: $schema=")
    named = os.path.normpath(os.path.join("my-rulesets/zz", first_line.split("$schema=")[1]))
    assert schema_command.split("> ")[1] == named


@pytest.mark.parametrize(("command", "expected"), _commands(), ids=[c for c, _ in _commands()])
def test_each_command_in_the_guide_prints_what_the_guide_shows(
    command: str, expected: list[str], workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from the reader's folder; the output is the one shown, the exit code 0 (1 for FAIL)."""
    monkeypatch.chdir(workspace)
    words = shlex.split(command)
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], workspace / words[at + 1]
    result = CliRunner().invoke(app, words[1:])
    assert (1 if any(line.startswith("FAIL") for line in expected) else 0) == result.exit_code, (
        result.output
    )
    shown = result.stdout
    if target is not None:  # redirected: the output is the file
        target.write_text(result.stdout, encoding="utf-8")
        assert result.stdout.startswith("{")
        shown = ""
    assert _matches(expected, shown.splitlines()), result.stdout
