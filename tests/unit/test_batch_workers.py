"""Worker processes: a worker that dies stops the run with a clear error, never a hang."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from eligibility import Registry
from eligibility.batch.records import Chunk
from eligibility.batch.workers import WorkerDied, screen_ordered
from tests.conftest import RULESETS


class _DiesWhenUnpickled:
    """A record that ends the worker process that receives it, as an engine crash would."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (os._exit, (70,))


def test_a_dead_worker_is_reported_not_waited_for(tmp_path: Path) -> None:
    rulesets = tmp_path / "rulesets"
    shutil.copytree(RULESETS / "us-ca", rulesets / "us-ca")
    registry = Registry.load(rulesets)
    chunk = Chunk(None, [(1, _DiesWhenUnpickled())], 100)  # type: ignore[list-item]  # on purpose
    with pytest.raises(WorkerDied, match="a worker process ended abruptly"):
        list(screen_ordered(iter([chunk]), registry, 2, rulesets))
