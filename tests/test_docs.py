"""Examples in the README and docs/ are executed: Python blocks run, `eligibility` commands
succeed, and every example case file is screened without error."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eligibility.cli import app
from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
PYTHON = re.compile(r"```python\n(.*?)```", re.S)
COMMAND = re.compile(
    r"^(?:\$ |    )(eligibility (?:check|rulesets|schema|lint|docs --check|batch)[^\n|<>]*)$", re.M
)


def _blocks() -> list[tuple[str, str]]:
    return [
        (f"{p.relative_to(ROOT)}#{i}", code)
        for p in PAGES
        for i, code in enumerate(PYTHON.findall(p.read_text()))
    ]


def _commands() -> list[tuple[str, str]]:
    out = []
    for page in PAGES:
        for command in COMMAND.findall(page.read_text()):
            if "case.json" in command or "my-rulesets" in command or " - " in command + " ":
                continue  # placeholders for the reader's own files
            if "tests/fixtures/lint/" in command:
                continue  # broken on purpose; tests/unit/test_lint.py checks their output
            command = command.split("#")[0].strip()  # drop a trailing shell comment
            out.append((f"{page.relative_to(ROOT)}: {command}", command))
    return out


@pytest.mark.parametrize(("where", "code"), _blocks(), ids=[w for w, _ in _blocks()])
def test_python_examples_run(where: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ```python block in the docs runs from the repository root without error."""
    monkeypatch.chdir(ROOT)
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})  # the docs are our own text


@pytest.mark.parametrize(("where", "command"), _commands(), ids=[w for w, _ in _commands()])
def test_documented_commands_succeed(
    where: str, command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each `eligibility …` command shown in the docs exits 0 on the shipped files."""
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    # Files a command writes (`batch -o decisions.jsonl`) go to a temporary folder.
    args = [
        str(tmp_path / a) if prev in ("-o", "--summary") else a
        for prev, a in zip(["", *args], args, strict=False)
    ]
    result = CliRunner().invoke(app, args)
    assert 0 == result.exit_code, result.output


EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*/*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[str(p.relative_to(ROOT)) for p in EXAMPLES])
def test_every_example_case_is_screened(path: Path) -> None:
    """The example case of every jurisdiction runs through `eligibility check`."""
    result = CliRunner().invoke(app, ["check", str(path)])
    assert 0 == result.exit_code, result.output
    assert "■ " in result.stdout


def test_every_jurisdiction_has_an_example_and_a_page() -> None:
    """Policy teams find a page and an example case for each shipped jurisdiction."""
    jurisdictions = sorted(p.name for p in (ROOT / "rulesets").iterdir() if p.is_dir())
    pages = {p.stem for p in (ROOT / "docs" / "jurisdictions").glob("*.md")}
    examples = {p.parent.name for p in EXAMPLES}
    assert [] == [j for j in jurisdictions if j not in examples]
    assert [] == [j for j in jurisdictions if j not in pages and j.split("-")[0] not in pages]
