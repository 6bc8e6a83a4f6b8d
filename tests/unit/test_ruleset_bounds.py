"""Ruleset folders that are hostile or too large: refused at load with file, line and column,
in bounded time, never reading what is not a ruleset file inside the folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from eligibility import Registry, limits
from eligibility.cli import app
from eligibility.errors import RulesetError
from tests.conftest import FIXTURES

CAUTION = FIXTURES / "rulesets" / "zz" / "caution.yaml"


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "rulesets"
    (root / "zz").mkdir(parents=True)
    (root / "zz" / "caution.yaml").write_bytes(CAUTION.read_bytes())
    return root


def _refusal(root: Path) -> list[str]:
    with pytest.raises(RulesetError) as caught:
        Registry.load(root)
    return [p.render().replace(str(root), "<root>") for p in caught.value.problems]


def test_a_fifo_named_yaml_is_refused_without_waiting_for_it(tmp_path: Path) -> None:
    root = _folder(tmp_path)
    os.mkfifo(root / "zz" / "pipe.yaml")
    started = time.monotonic()
    expected = [
        "<root>/zz/pipe.yaml: error: a FIFO, not a regular file; only regular files are read"
    ]
    assert expected == _refusal(root)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/passwd"])
def test_a_link_out_of_the_folder_is_refused_and_its_content_never_shown(
    tmp_path: Path, target: str
) -> None:
    root = _folder(tmp_path)
    (root / "zz" / "other.yaml").symlink_to(target)
    expected = [
        "<root>/zz/other.yaml: error: a link to a file outside the rulesets folder; "
        "only files inside it are read"
    ]
    assert expected == _refusal(root)


def test_a_link_inside_the_folder_is_read(tmp_path: Path) -> None:
    root = _folder(tmp_path)
    (root / "zz" / "caution.yaml").rename(root / "real.yaml.txt")
    (root / "zz" / "caution.yaml").symlink_to(root / "real.yaml.txt")
    assert ["zz-caution"] == [r.id for r in Registry.load(root).rulesets]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = _folder(tmp_path)
    with limits.override(ruleset_bytes=1000):
        refusal = _refusal(root)
    expected = [
        "<root>/zz/caution.yaml: error: the file is larger than the ruleset bytes limit "
        "(1,000 bytes, ELIGIBILITY_LIMIT_RULESET_BYTES)"
    ]
    assert expected == refusal


def test_more_engine_fields_than_durable_rules_allows_are_found_at_load(tmp_path: Path) -> None:
    """260 facts read by the rules passed lint and start, then failed every case (error 302)."""
    root = _folder(tmp_path)
    data = yaml.safe_load(CAUTION.read_text())
    names = [f"fact_{i}" for i in range(260)]
    data["facts"].update({n: {"type": "bool", "question": f"Fact {n}?"} for n in names})
    data["measures"][0]["requires"] += [
        {
            "id": f"read_{i}",
            "text": "Reads facts.",
            "citation": {"source": "act"},
            "condition": " or ".join(names[i : i + 20]),
        }
        for i in range(0, 260, 20)
    ]
    (root / "zz" / "caution.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    [message] = _refusal(root)
    # Located at the criterion whose facts pass the limit (the 13th of 20 facts each).
    assert message.startswith("<root>/zz/caution.yaml:")
    assert ": error: measures[0].requires[14].condition: the rules read 2" in message
    assert (
        "engine fields, beyond the engine fields limit (250, ELIGIBILITY_LIMIT_ENGINE_FIELDS)"
        in message
    )


def test_lint_reports_a_field_hash_collision_with_file_line_and_column() -> None:
    path = FIXTURES / "bad_rulesets" / "hash_collision.yaml"
    result = CliRunner().invoke(app, ["lint", str(path)])
    assert 1 == result.exit_code
    expected = "hash_collision.yaml:48:20: error: measures[0].requires[1].condition: the engine cannot tell"
    assert expected in result.stdout


def test_check_exits_3_not_4_for_a_ruleset_folder_with_an_alias_bomb(tmp_path: Path) -> None:
    root = _folder(tmp_path)
    (root / "zz" / "bomb.yaml").write_bytes(
        (FIXTURES / "bad_rulesets" / "alias_bomb.yaml").read_bytes()
    )
    case = tmp_path / "case.json"
    case.write_text('{"case_id": "x", "jurisdiction": "ZZ"}')
    started = time.monotonic()
    result = CliRunner().invoke(app, ["check", str(case), "--rulesets", str(root)])
    assert 3 == result.exit_code
    assert "yaml nodes limit" in result.stderr
    assert time.monotonic() - started < 10
