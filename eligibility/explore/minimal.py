"""A last, greedy pass after Hypothesis' shrinking: leave out every fact that is not needed.

Hypothesis shrinks towards its own notion of simplest; a policy team reads a case best when
every fact in it matters. This pass tries leaving out each field, list item and declared fact
in turn and keeps each removal after which the case still shows what it was found for, so in
the result no single fact can be left out.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

Doc = dict[str, Any]
Path = tuple[str | int, ...]
FIXED = ("case_id", "jurisdiction")


def _paths(node: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every removable path below ``node``, deepest and last first (so removing one leaves
    the others valid)."""
    if isinstance(node, dict):
        for key in reversed(list(node)):
            if prefix == () and key in FIXED:
                continue
            value = node[key]
            if key not in ("quantity", "custody", "person"):
                yield from _paths(value, (*prefix, key))
            yield (*prefix, key)
    elif isinstance(node, list):
        for i in reversed(range(len(node))):
            yield from _paths(node[i], (*prefix, i))
            yield (*prefix, i)


def without(doc: Doc, path: Path) -> Doc | None:
    """A copy of ``doc`` with ``path`` left out, or ``None`` if ``path`` is not there."""
    out = copy.deepcopy(doc)
    node: Any = out
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    last = path[-1]
    if isinstance(node, dict) and last in node:
        del node[last]
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        if len(path) == 2 and path[0] == "charges" and len(node) == 1:
            return None  # a case keeps at least one charge; leave out the list instead
        del node[last]
    else:
        return None
    for key in ("facts", "person"):
        if out.get(key) == {}:
            del out[key]
    return out


def simplest(doc: Doc, holds: Callable[[Doc], bool], budget: int = 400) -> Doc:
    """``doc`` with every field left out that ``holds`` does not need."""
    return simplest_pair(doc, doc, lambda _, after: holds(after), budget)[1]


def simplest_pair(
    before: Doc, after: Doc, holds: Callable[[Doc, Doc], bool], budget: int = 400
) -> tuple[Doc, Doc]:
    """Like :func:`simplest` for a case and its changed copy: a field is left out of both."""
    changed = True
    while changed and budget > 0:
        changed = False
        for path in list(_paths(after)):
            new_after = without(after, path)
            if new_after is None or budget <= 0:
                continue
            new_before = without(before, path) or before
            budget -= 1
            if holds(new_before, new_after):
                before, after, changed = new_before, new_after, True
    return before, after
