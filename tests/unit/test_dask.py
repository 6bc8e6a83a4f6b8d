"""Dask: partitions screened by worker processes of a local cluster, as `eligibility batch` does."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import dask.bag as db
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from benchmarks.ca_cases import generate
from eligibility.batch import flatten_case
from eligibility.cli import app
from eligibility.dask import screen_bag, summarise
from tests.conftest import RULESETS


def test_a_local_cluster_gives_the_batch_output_item_for_item(tmp_path: Path) -> None:
    """Two worker processes, one thread each: same decisions, error records and summary."""
    rulesets = tmp_path / "rulesets"
    shutil.copytree(RULESETS / "us-ca", rulesets / "us-ca")  # one jurisdiction keeps it quick
    lines = [json.dumps(c) for c in generate(24, seed=3)]
    lines.insert(5, '{"case_id": "broken"')
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out, summary_file = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = CliRunner().invoke(
        app,
        [
            "batch",
            str(source),
            "-o",
            str(out),
            "-q",
            "--rulesets",
            str(rulesets),
            "--summary",
            str(summary_file),
        ],
    )
    assert 1 == result.exit_code, result.output
    expected = [json.loads(line) for line in out.read_text().splitlines()]

    rows = [flatten_case(json.loads(line)) for line in lines if line != '{"case_id": "broken"']
    header = list(dict.fromkeys(k for row in rows for k in row))
    table = io.StringIO()
    writer = csv.DictWriter(table, header)
    writer.writeheader()
    writer.writerows(rows)
    records = list(csv.DictReader(io.StringIO(table.getvalue())))

    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        results = screen_bag(db.from_sequence(lines, npartitions=3), rulesets=rulesets)
        got, summary = db.compute(results, summarise(results))
        from_rows = screen_bag(
            db.from_sequence(records, npartitions=2), rulesets=rulesets, flattened=True
        ).compute()

    assert len(lines) == len(got)
    broken = got[5]
    assert {"line": 6, "case_id": None} == {k: broken[k] for k in ("line", "case_id")}
    assert expected[5]["error"] == broken["error"]
    assert expected[:5] + expected[6:] == got[:5] + got[6:]
    assert expected[:5] + expected[6:] == from_rows
    assert {k: v for k, v in json.loads(summary_file.read_text()).items() if k not in ("input", "output")} == summary  # fmt: skip
