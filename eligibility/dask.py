"""Screen cases that already live in a Dask cluster: partitions evaluated by worker processes.

Install with ``pip install 'eligibility[dask]'``. Each worker process loads the rulesets once
(a per-process cache keyed by rulesets folder and evaluator) and screens its partitions with
exactly the path ``eligibility batch`` uses, so a bag gives the same decisions and the same error
records, item for item and in order::

    import dask.bag as db
    from eligibility.dask import screen_bag, summarise

    cases = db.read_text("cases-*.jsonl", blocksize=None)  # one partition per file
    results = screen_bag(cases)  # a bag of decision dicts and error records
    summary = summarise(results).compute()

durable-rules is not thread-safe: threads of one worker process share its registry under a
lock, so use ``threads_per_worker=1`` and more processes for parallelism.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from eligibility._evaluate import EvaluatorName, Registry, default_rulesets_dir
from eligibility.batch.flatten import CsvLayout
from eligibility.batch.records import error_record, screen
from eligibility.batch.run import load_registry
from eligibility.batch.summary import Tally
from eligibility.decision import Explanation
from eligibility.errors import CaseError

if TYPE_CHECKING:
    from dask.bag import Bag, Item

_locks: dict[tuple[str, str], threading.Lock] = {}
_guard = threading.Lock()


def _registry(rulesets: str | None, evaluator: EvaluatorName) -> tuple[Registry, threading.Lock]:
    """This process's registry for ``rulesets`` (default: this machine's shipped rulesets), the
    one ``eligibility batch`` keeps, and the lock that keeps its engine to one thread at a time."""
    root = rulesets or str(default_rulesets_dir())
    with _guard:
        lock = _locks.setdefault((root, evaluator), threading.Lock())
        return load_registry(Path(root), evaluator), lock


def _cells(row: Mapping[str, Any]) -> tuple[tuple[str, ...], list[str]]:
    """A flattened row from a data frame: missing values (None, NaN) are empty cells."""
    names, cells = [], []
    for name, value in row.items():
        names.append(str(name))
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        cells.append("" if missing else value if isinstance(value, str) else str(value))
    return tuple(names), cells


def screen_partition(
    items: Iterable[Any],
    rulesets: str | None = None,
    evaluator: EvaluatorName = "durable-rules",
    flattened: bool = False,
    explain: Explanation = "full",
) -> list[dict[str, Any]]:
    """Screen one partition: a decision dict or an error record per item, in order.

    Items are JSON text (``str`` or ``bytes``, e.g. lines from ``dask.bag.read_text``) or case
    documents (dicts); with ``flattened``, dicts of CSV cells named by the dotted-column
    convention (e.g. ``ddf.to_bag(format="dict")``). An error record's ``line`` is the item's
    position in its partition, from 1 — the file's line number when a partition is one file.
    ``explain`` is the decisions' explanation level (docs/explanation.md).
    """
    registry, lock = _registry(rulesets, evaluator)
    layouts: dict[tuple[str, ...], CsvLayout | CaseError] = {}
    out: list[dict[str, Any]] = []
    for line, item in enumerate(items, start=1):
        layout = None
        payload = item
        if flattened and isinstance(item, Mapping):
            names, payload = _cells(item)
            if names not in layouts:
                try:
                    layouts[names] = CsvLayout.from_header(names)
                except CaseError as exc:
                    layouts[names] = exc
            found = layouts[names]
            if isinstance(found, CaseError):
                out.append(error_record(line, None, "case", found.problems))
                continue
            layout = found
        with lock:
            result, _kind = screen(registry, layout, line, payload, explain=explain)
        out.append(result if isinstance(result, dict) else result.model_dump(mode="json"))
    return out


def screen_bag(
    bag: Bag,
    rulesets: str | Path | None = None,
    evaluator: EvaluatorName = "durable-rules",
    flattened: bool = False,
    explain: Explanation = "full",
) -> Bag:
    """A bag with one decision dict or error record per item of ``bag``, partition by partition.

    ``rulesets`` must be a folder every worker can read; by default each worker uses the
    rulesets shipped with its own installation.
    """
    return cast(
        "Bag",
        bag.map_partitions(
            screen_partition,
            rulesets=str(rulesets) if rulesets is not None else None,
            evaluator=evaluator,
            flattened=flattened,
            explain=explain,
        ),
    )


def _tally(records: Iterable[Mapping[str, Any]]) -> Tally:
    tally = Tally()
    for record in records:
        tally.add_output(record)
    return tally


def _merge(tallies: Iterable[Tally]) -> dict[str, Any]:
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total.to_json()


def summarise(results: Bag) -> Item:
    """The batch summary (the ``--summary`` JSON shape) of a bag from :func:`screen_bag`."""
    return cast("Item", results.reduction(_tally, _merge))
