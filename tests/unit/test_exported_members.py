"""The public API is one front door with a sorted, complete __all__."""

from __future__ import annotations

import eligibility


def test_all_is_sorted() -> None:
    assert sorted(eligibility.__all__) == eligibility.__all__


def test_all_lists_every_public_name() -> None:
    """Every public name defined in the package's front door is exported, and nothing else."""
    public = {n for n in vars(eligibility) if not n.startswith("_") and not _is_module(n)}
    public |= {"__version__"}
    assert public - {"annotations", "threading", "Path"} == set(eligibility.__all__)


def _is_module(name: str) -> bool:
    import types

    return isinstance(getattr(eligibility, name), types.ModuleType)
