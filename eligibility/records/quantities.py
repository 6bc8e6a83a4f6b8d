"""Reading quantities as records write them: a unit and, where given, what was weighed.

``g``, ``gr``, ``grams``, ``g gross``, ``g net``, ``g dried``, ``g mixture``, ``tablets``,
``pills``, ``blotters``, ``plants``, ``seedlings``, ``ml``… The basis is kept where the law
distinguishes it: a gross weight (with packaging) is not the net weight a threshold names, and a
pure (actual, active-substance) weight is not the weight of the mixture.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = ["Basis", "UnitReading", "read_unit"]

Basis = Literal["weight", "gross", "pure", "fresh"]
"""``weight``: the net weight of the substance or mixture as seized (net, dried, mixture, or not
said); ``gross``: with packaging; ``pure``: of the pure or active substance; ``fresh``: of fresh
(undried) plant material."""

_MASS = {
    "ug": "0.000001", "µg": "0.000001", "mcg": "0.000001", "microgram": "0.000001",
    "mg": "0.001", "milligram": "0.001", "milligramme": "0.001",
    "g": "1", "gm": "1", "gms": "1", "gr": "1", "grs": "1", "gram": "1", "gramme": "1", "grama": "1", "gramm": "1",
    "kg": "1000", "kilo": "1000", "kilogram": "1000", "kilogramme": "1000", "quilo": "1000", "quilograma": "1000",
    "oz": "28.349523125", "ounce": "28.349523125",
    "lb": "453.59237", "lbs": "453.59237", "pound": "453.59237",
}  # fmt: skip
_VOLUME = {
    "ml": "1", "millilitre": "1", "milliliter": "1", "cc": "1", "cl": "10",
    "l": "1000", "litre": "1000", "liter": "1000", "lt": "1000",
}  # fmt: skip
_COUNT = {
    "units": "units", "unit": "units", "tablets": "units", "tablet": "units", "tabs": "units",
    "tab": "units", "pills": "units", "pill": "units", "capsules": "units", "capsule": "units",
    "caps": "units", "blotters": "units", "blotter": "units", "hits": "units", "pieces": "units",
    "piece": "units", "bags": "units", "baggies": "units", "wraps": "units", "sachets": "units",
    "doses": "doses", "dose": "doses",
    "plants": "plants", "plant": "plants", "seedlings": "plants", "seedling": "plants",
    "cuttings": "plants", "clones": "plants", "pflanzen": "plants", "plantas": "plants",
}  # fmt: skip
_BASIS = {
    "net": "weight", "netto": "weight", "liquido": "weight", "dried": "weight", "dry": "weight",
    "mixture": "weight", "substance": "weight", "containing": "weight",
    "gross": "gross", "brutto": "gross", "bruto": "gross", "packaged": "gross",
    "pure": "pure", "actual": "pure", "active": "pure", "wirkstoff": "pure", "wirkstoffgehalt": "pure",
    "fresh": "fresh", "wet": "fresh", "undried": "fresh",
}  # fmt: skip
_NOISE = {"of", "or", "a", "the", "weight", "wt", "approx", "approximately", "about", "total", "in"}


@dataclass(frozen=True)
class UnitReading:
    """A recorded unit, read."""

    recorded: str
    measure: Literal["mass", "volume", "count"] | None
    """``None`` when the unit could not be read."""
    factor: Decimal = Decimal(1)
    """Multiply by this for grams (mass) or millilitres (volume)."""
    count: str = ""
    """For counts: ``units``, ``doses`` or ``plants``."""
    basis: Basis = "weight"
    qualifier: str = ""
    """The recorded words that set the basis or the kind of count (``gross``, ``seedlings``)."""


def _singular(word: str) -> str:
    if word in _MASS or word in _VOLUME or word in _COUNT or word in _BASIS:
        return word
    for end in ("es", "s"):
        if word.endswith(end) and word[: -len(end)] in (_MASS | _VOLUME):
            return word[: -len(end)]
    return word


@functools.lru_cache(maxsize=1024)  # units repeat from case to case; the reading is pure
def read_unit(recorded: str) -> UnitReading:
    """Read ``recorded`` (``g gross``, ``Grams (net)``, ``tablets``…)."""
    words = [_singular(w) for w in re.findall(r"[a-zµ]+", recorded.lower().replace("μ", "µ"))]
    words = [w for w in words if w not in _NOISE]
    measure: Literal["mass", "volume", "count"] | None = None
    factor = Decimal(1)
    count = ""
    basis: Basis = "weight"
    qualifiers: list[str] = []
    for w in words:
        if w in _MASS and measure is None:
            measure, factor = "mass", Decimal(_MASS[w])
        elif w in _VOLUME and measure is None:
            measure, factor = "volume", Decimal(_VOLUME[w])
        elif w in _COUNT and measure is None:
            measure, count = "count", _COUNT[w]
            if w not in {"units", "unit", count}:
                qualifiers.append(w)
        elif w in _BASIS:
            b = _BASIS[w]
            if b != "weight" and basis != "weight" and b != basis:
                return UnitReading(recorded, None)  # ``gross pure``: contradictory
            if b != "weight":
                basis = b  # type: ignore[assignment]
            qualifiers.append(w)
        else:
            return UnitReading(recorded, None)
    if measure is None or (measure != "mass" and basis != "weight"):
        return UnitReading(recorded, None)
    return UnitReading(recorded, measure, factor, count, basis, " ".join(qualifiers))
