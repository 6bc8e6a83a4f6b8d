"""docs/security.md lists every limit with its variable and its default, as the code has them."""

from __future__ import annotations

import dataclasses
import re

from eligibility.limits import Limits, env_name
from tests.conftest import ROOT

PAGE = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def test_every_limit_is_documented_with_its_variable_and_default() -> None:
    rows = {
        m[1]: (m[2], m[3])
        for m in re.finditer(r"^\| `(\w+)` \| `(\w+)` \| ([\d.]+) \|", PAGE, re.M)
    }
    expected = {f.name: (env_name(f.name), str(f.default)) for f in dataclasses.fields(Limits)}
    assert expected == rows
