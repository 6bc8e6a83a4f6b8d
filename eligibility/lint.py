"""``eligibility lint``: check rulesets and golden case files without running any case.

Each ruleset file gets the loader's checks (errors: a file that fails one does not load) and,
once it loads, the checks in ``_lint_ruleset`` (the logic of each measure, declarations nothing
uses, dated values never in force). Each golden file gets the checks in ``_lint_golden``.
Every problem is reported in one run; docs/lint.md lists the checks and their codes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eligibility._evaluate import Registry, default_rulesets_dir
from eligibility._files import read_bounded
from eligibility._lint_checks import Finding, finding
from eligibility._lint_golden import RulesetIndex, lint_golden
from eligibility._lint_ruleset import lint_ruleset
from eligibility._loader import iter_ruleset_files
from eligibility._model import Ruleset
from eligibility.errors import RulesetError

JSON_VERSION = 1
"""Version of the ``--format json`` document; bumped only if a field changes meaning."""


@dataclass(frozen=True)
class LintReport:
    """What one lint run found, file by file."""

    files: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for f in self.findings if f.level == "error")

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return len(self.findings) - self.errors

    def summary(self) -> str:
        """``2 error(s), 1 warning(s) in 3 file(s)``."""
        return f"{self.errors} error(s), {self.warnings} warning(s) in {len(self.files)} file(s)"

    def render_text(self) -> str:
        """One line per finding, then the summary."""
        return "".join(f.render() + "\n" for f in self.findings) + self.summary() + "\n"

    def to_json(self) -> str:
        """The report as a JSON document (shape in docs/lint.md)."""
        document = {
            "version": JSON_VERSION,
            "files": list(self.files),
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [f.to_json() for f in self.findings],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def lint(paths: Sequence[Path], rulesets: Path | None = None) -> LintReport:
    """Lint ruleset and golden files and folders (default: the rulesets folder).

    Golden cases are checked against ``rulesets`` when given; otherwise against the rulesets
    folder they sit in (``<folder>/<jurisdiction>/cases/*.yaml``), else the default folder.
    """
    files = _expand(paths or [rulesets or default_rulesets_dir()])
    run = _Run(rulesets)
    findings: list[Finding] = []
    for path in files:
        if _is_golden(path):
            findings += lint_golden(path, run.index(_root_of_golden(path, rulesets)))
        elif _is_vocabulary(path):
            findings += _lint_vocabulary(path)
        else:
            findings += run.ruleset(path)
    findings += run.versions()
    order = {str(p): i for i, p in enumerate(files)}
    findings.sort(
        key=lambda f: (
            order.get(f.problem.file or "", len(order)),
            f.problem.line or 0,
            f.problem.column or 0,
        )
    )
    return LintReport(tuple(str(p) for p in files), tuple(findings))


class _Run:
    """Loads each ruleset once, whether it is linted or only needed by golden cases."""

    def __init__(self, rulesets: Path | None) -> None:
        self.rulesets = rulesets
        self.loaded: dict[Path, Ruleset | None] = {}
        self.linted: list[Path] = []
        self.indexes: dict[Path, RulesetIndex] = {}

    def ruleset(self, path: Path) -> list[Finding]:
        ruleset, found = lint_ruleset(path, str(path))
        self.loaded[path.resolve()] = ruleset
        self.linted.append(path)
        return found

    def _load(self, path: Path) -> Ruleset | None:
        key = path.resolve()
        if key not in self.loaded:
            self.loaded[key] = lint_ruleset(path, str(_shown(path)))[0]
        return self.loaded[key]

    def index(self, root: Path) -> RulesetIndex:
        if root not in self.indexes:
            files = list(iter_ruleset_files(root))
            loaded = [(p, self._load(p)) for p in files]
            self.indexes[root] = RulesetIndex.of(
                [r for _, r in loaded if r is not None],
                [p.parent.name for p, r in loaded if r is None],
            )
        return self.indexes[root]

    def versions(self) -> list[Finding]:
        """Versions of one ruleset (same id, same folder) that overlap or disagree."""
        found: list[Finding] = []
        for folder in sorted({p.resolve().parent for p in self.linted}):
            files = [p for p in sorted(folder.glob("*.yaml")) if not _is_golden(p)]
            rulesets = [r for p in files if (r := self._load(p)) is not None]
            try:
                Registry(rulesets, evaluator="reference")
            except RulesetError as exc:
                found += [finding("L009", p) for p in exc.problems]
        linted = {str(p) for p in self.linted}
        return [f for f in found if f.problem.file in linted]


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it is inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        shown = _shown(path) if path.is_absolute() else path
        if path.is_dir():
            found = {
                *shown.glob("*.yaml"),
                *shown.glob("*/*.yaml"),
                *shown.glob("*/cases/*.yaml"),
            }
            files += sorted(found)
        else:
            files.append(shown)
    return list(dict.fromkeys(files))


_GOLDEN_KEYS = re.compile(r"^cases\s*:", re.M)
_RULESET_KEYS = re.compile(r"^(id|measures|jurisdiction)\s*:", re.M)


def _is_vocabulary(path: Path) -> bool:
    """A jurisdiction's records vocabulary (``<jurisdiction>/records/vocabulary.yaml``)."""
    return path.parent.name == "records" and path.name == "vocabulary.yaml"


def _lint_vocabulary(path: Path) -> list[Finding]:
    """The vocabulary's own problems (YAML, schema); what it means for a ruleset's lists is
    checked when each ruleset of the jurisdiction is linted."""
    from eligibility.records.vocabulary import clear_cache, load_vocabulary

    clear_cache()
    try:
        load_vocabulary(path.parent.parent)
    except RulesetError as exc:
        return [finding("L001" if "YAML" in p.message else "L002", p) for p in exc.problems]
    return []


def _is_golden(path: Path) -> bool:
    """A golden file sits in a ``cases`` folder, or holds ``cases:`` and no ruleset keys."""
    if path.parent.name == "cases":
        return True
    try:
        text = read_bounded(path).decode("utf-8")
    except (RulesetError, UnicodeDecodeError):
        return False
    return bool(_GOLDEN_KEYS.search(text)) and not _RULESET_KEYS.search(text)


def _root_of_golden(path: Path, rulesets: Path | None) -> Path:
    if rulesets is not None:
        return rulesets
    if path.parent.name == "cases":
        root = path.resolve().parent.parent.parent
        if any(iter_ruleset_files(root)):
            return _shown(root)
    return _shown(default_rulesets_dir())


def exit_code(report: LintReport) -> int:
    """1 if any finding is an error, else 0 (warnings alone pass)."""
    return 1 if report.errors else 0


__all__ = ["JSON_VERSION", "LintReport", "exit_code", "lint"]
