"""Batch screening: a file of cases in, exactly one decision or error record per case out.

``eligibility batch`` drives :func:`run_batch`; the modules split the job by concept:

* :mod:`~eligibility.batch.flatten` — the CSV convention (dotted columns) both ways, with
  :mod:`~eligibility.batch.columns` resolving a header and typing its cells;
* :mod:`~eligibility.batch.records` — numbered input records, one record → one output line;
* :mod:`~eligibility.batch.workers` — worker processes, bounded and in order;
* :mod:`~eligibility.batch.output` — the ``.partial`` file, checkpoints, resume, atomic rename;
* :mod:`~eligibility.batch.summary` — outcome counts, blocking criteria, missing facts;
* :mod:`~eligibility.batch.progress` — the progress bar.

See docs/batch.md for the formats and guarantees.
"""

from __future__ import annotations

from eligibility.batch.flatten import CsvLayout, flatten_case
from eligibility.batch.records import error_record
from eligibility.batch.run import BatchOptions, run_batch
from eligibility.batch.summary import Tally

__all__ = ["BatchOptions", "CsvLayout", "Tally", "error_record", "flatten_case", "run_batch"]
