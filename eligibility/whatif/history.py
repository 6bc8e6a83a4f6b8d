"""The law a stored decision was made with, found again in the rulesets' git history.

A decision records each ruleset's SHA-256 content hash. When the loaded file has a different
hash, and the rulesets folder is a git checkout, the earlier versions of that file are read from
the history until one has the stored hash; the criterion that decides differently is then
compared between the two: its text, its citation, its condition as written, the definitions it
uses (followed through the definitions they use) and the dated values of the parameters it reads.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path
from typing import Any

from eligibility import _expr as E
from eligibility._loader import load_ruleset_text
from eligibility._model import CriterionDef, Ruleset
from eligibility._reference import children
from eligibility._yaml import load_yaml
from eligibility.errors import EligibilityError

MAX_COMMITS = 200
"""Earlier versions of a file read from the history, newest first, before giving up."""
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _git(cwd: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def find(path: str, sha256: str) -> tuple[str, bytes] | None:
    """The commit and bytes of the version of ``path`` whose SHA-256 is ``sha256``, if the
    file's git history has it."""
    file = Path(path).resolve()
    top = _git(file.parent, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    root = Path(top.decode().strip())
    rel = file.relative_to(root).as_posix()
    log = _git(root, "log", f"--max-count={MAX_COMMITS}", "--format=%H", "--", rel)
    for commit in (log or b"").decode().split():
        data = _git(root, "show", f"{commit}:{rel}")
        if data is not None and hashlib.sha256(data).hexdigest() == sha256:
            return commit, data
    return None


def _criterion(r: Ruleset, measure: str, criterion: str) -> CriterionDef | None:
    m = next((m for m in r.measures if m.id == measure), None)
    return next((c for c in m.criteria() if c.id == criterion), None) if m else None


def _definitions(raw: bytes, file: str) -> dict[str, str]:
    data: Any = load_yaml(raw.decode(), file).data
    found = data.get("definitions") if isinstance(data, dict) else None
    return {str(k).split("(")[0]: str(v) for k, v in (found or {}).items()}


def _used(text: str, definitions: dict[str, str]) -> set[str]:
    """The definitions ``text`` uses, followed through the definitions they use."""
    seen: set[str] = set()
    todo = [w for w in _WORD.findall(text) if w in definitions]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(w for w in _WORD.findall(definitions[name]) if w in definitions)
    return seen


def _params(node: E.Node, r: Ruleset) -> set[str]:
    if isinstance(node, E.Name):
        return {node.name} if node.name in r.parameters else set()
    return set().union(*(_params(c, r) for c in children(node))) if children(node) else set()


def law_changes(old_raw: bytes, new: Ruleset, measure: str, criterion: str, file: str) -> list[str]:
    """What changed in the law behind ``criterion`` of ``measure``, old version to ``new``."""
    try:
        old = load_ruleset_text(old_raw, file)
        new_raw = Path(new.path).read_bytes()
        before, after = _definitions(old_raw, file), _definitions(new_raw, new.path)
    except (EligibilityError, OSError, ValueError):  # YamlError is a ValueError
        return []
    a, b = _criterion(old, measure, criterion), _criterion(new, measure, criterion)
    if a is None or b is None:
        return [f"criterion {criterion} {'added' if a is None else 'removed'}"]
    out = []
    if a.text != b.text:
        out.append(f"text: “{a.text}” → “{b.text}”")
    if a.cite != b.cite:
        out.append(f"citation: {a.cite.label()} → {b.cite.label()}")
    if a.source_text != b.source_text:
        out.append(f"condition: `{a.source_text.strip()}` → `{b.source_text.strip()}`")
    for name in sorted(_used(a.source_text, before) | _used(b.source_text, after)):
        if before.get(name) != after.get(name):
            out.append(f"definition {name}: `{before.get(name)}` → `{after.get(name)}`")
    for name in sorted(_params(a.condition, old) | _params(b.condition, new)):
        va = (
            [(v.period.render(), v.value) for v in old.parameters[name].values]
            if name in old.parameters
            else None
        )
        vb = (
            [(v.period.render(), v.value) for v in new.parameters[name].values]
            if name in new.parameters
            else None
        )
        if va != vb:
            out.append(f"parameter {name}: {va} → {vb}")
    return out
