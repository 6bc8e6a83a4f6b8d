"""The `curl` examples in docs/service.md run against the service and answer as shown.

Each ```sh block with a `curl` command is sent in-process; `# → NNN` gives the status. The
```json block right after it, if any, must be an excerpt of the answer: every key it shows has
that value, lists show a subsequence of the real list, and "…" stands for any value.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

import pytest
from fastapi import FastAPI

from eligibility import Registry
from tests.conftest import ROOT, RULESETS
from tests.service_client import app_over, request

PAGE = ROOT / "docs" / "service.md"
EXAMPLE = re.compile(r"```sh\n(?P<command>curl .*?)```\s*(?:```json\n(?P<answer>.*?)```)?", re.S)


def _examples() -> list[tuple[str, str | None]]:
    return [(m["command"], m["answer"]) for m in EXAMPLE.finditer(PAGE.read_text())]


def _parse(command: str) -> tuple[str, str, dict[str, str], bytes | None, int]:
    status = int(re.search(r"# → (\d{3})", command)[1])  # type: ignore[index]  # every example shows one
    words = shlex.split(command.replace("\\\n", " ").split("#")[0])
    method, url, headers, data = "GET", "", {}, None
    args = iter(words[1:])
    for word in args:
        if word == "-X":
            method = next(args)
        elif word == "-H":
            name, value = next(args).split(":", 1)
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data-binary"):
            value = next(args)
            data = (ROOT / value[1:]).read_bytes() if value.startswith("@") else value.encode()
        elif word.startswith("http://127.0.0.1:8000"):
            url = word.removeprefix("http://127.0.0.1:8000")
    return method, url, headers, data, status


def _contained(shown: Any, actual: Any) -> bool:
    if shown == "…":
        return True
    if isinstance(shown, dict):
        return isinstance(actual, dict) and all(
            k in actual and _contained(v, actual[k]) for k, v in shown.items()
        )
    if isinstance(shown, list):
        rest = iter(actual) if isinstance(actual, list) else iter(())
        return all(any(_contained(item, a) for a in rest) for item in shown)
    return bool(shown == actual)


@pytest.fixture(scope="module")
def service(durable_registry: Registry) -> FastAPI:
    return app_over(durable_registry, RULESETS, reload_endpoint=True)


def test_the_page_has_examples() -> None:
    assert len(_examples()) >= 6


@pytest.mark.parametrize(("command", "answer"), _examples(), ids=lambda v: str(v)[:40])
def test_curl_example_answers_as_documented(
    service: FastAPI, command: str, answer: str | None
) -> None:
    method, url, headers, data, status = _parse(command)
    got = request(service, method, url, headers=headers, content=data)
    assert status == got.status_code, got.text
    if answer is not None:
        shown = json.loads(answer)
        assert _contained(shown, got.json()), json.dumps(got.json(), indent=2)[:3000]
