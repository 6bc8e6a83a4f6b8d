"""Load-time checks that reading records never changes what a ruleset's lists mean.

The substance vocabulary maps record spellings onto the names a ruleset's lists use. A list
that names a spelling the vocabulary reads as another name must name that other name too, or
reading would move a substance out of the list (a misread, with legal consequences).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from eligibility import ruleset_schema as S
from eligibility.records.substances import Substances

_SUBSTANCE_IN = re.compile(r"\.substance\s+(?:not\s+)?in\s+([A-Za-z_][A-Za-z0-9_]*)")


def _conditions(model: S.RulesetFile) -> Iterator[str]:
    for value in model.definitions.values():
        yield value if isinstance(value, str) else str(value)
    for measure in model.measures:
        yield measure.model_dump_json()


def substance_lists(model: S.RulesetFile) -> dict[str, list[str]]:
    """The list parameters a condition compares a substance with, and every name they hold."""
    names = {m for text in _conditions(model) for m in _SUBSTANCE_IN.findall(text)}
    out: dict[str, list[str]] = {}
    for name in sorted(names):
        param = model.parameters.get(name)
        if param is None or param.type != "list[string]":
            continue
        values: list[str] = []
        for dated in param.values:
            if isinstance(dated.value, list):
                values.extend(str(v) for v in dated.value)
        out[name] = values
    return out


def vocabulary_problems(
    vocab: Substances, lists: dict[str, list[str]]
) -> list[tuple[str, str, str]]:
    """``(parameter, message, hint)`` for each list the vocabulary would change, and each
    spelling the vocabulary gives two names."""
    problems = []
    for spelling, first, second in vocab.clashes:
        problems.append(
            (
                next(iter(lists), ""),
                f"the records vocabulary reads `{spelling}` both as `{first}` and as `{second}`",
                "give each spelling one name in records/vocabulary.yaml",
            )
        )
    for name, values in lists.items():
        held = set(values)
        for value in sorted(held):
            read = vocab.read(value).name
            if read is not None and read != value and read not in held:
                problems.append(
                    (
                        name,
                        f"`{name}` lists `{value}`, which the records vocabulary reads as "
                        f"`{read}`, but not `{read}`",
                        f"add `{read}` to `{name}`, or map `{value}` to a name the list holds",
                    )
                )
    return problems
