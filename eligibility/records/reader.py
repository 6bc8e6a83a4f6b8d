"""Reading one charge's or prior's recorded values into facts, with a notice for each reading.

What is read becomes facts; what is not read stays out of the facts (unknown) and gets a
notice with the question that would settle it. Nothing here refuses a case: ``strict`` does
that afterwards, from the notices.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from eligibility.records.notices import Notice
from eligibility.records.quantities import read_unit
from eligibility.records.substances import Substances
from eligibility.records.table import ATTRIBUTES, StatuteTable

__all__ = ["read_quantity", "read_statute", "read_substance"]

_QUANTUM = Decimal("0.000001")

_ASK = {
    "category": "`category` (e.g. possession, supply, violence)",
    "class": "`class` (e.g. felony, misdemeanor, indictable)",
    "drug_related": "`drug_related` (true or false)",
}


def _attrs_phrase(names: list[str]) -> str:
    return ", ".join(_ASK[n] for n in names)


def read_statute(
    table: StatuteTable,
    jurisdiction: str,
    recorded: str,
    where: str,
    given: set[str],
    notices: list[Notice],
) -> dict[str, Any]:
    """The facts a recorded citation gives; ``given`` names the attributes the case states
    itself (they need no question)."""
    r = table.read(recorded)
    out: dict[str, Any] = {"statute": recorded, **r.attributes}
    if r.offense is not None:
        out["offense"] = r.offense
    missing = [a for a in ATTRIBUTES if a not in r.attributes and a not in given]
    code = jurisdiction.upper()
    if r.kind == "exact":
        if r.offense != recorded:
            title = table.rows[r.offense].title if r.offense else ""
            notices.append(
                Notice(where, "citation_read", recorded, r.rows, f"read as {r.offense} ({title})")
            )
        return out
    if r.kind == "shared":
        row = r.rows[0]
        shared = "all its attributes" if r.offense else ", ".join(sorted(r.attributes)) or "nothing"
        notices.append(
            Notice(
                where,
                "citation_read",
                recorded,
                r.rows,
                f"read as {r.cited}, a sub-level of {row}, which shares {shared} with it: {r.because}",
                _question(recorded, missing) if missing else None,
            )
        )
        return out
    if r.kind == "ambiguous":
        options = ", ".join(r.rows)
        known = (
            "; known under every reading: "
            + ", ".join(f"{k} {_text(v)}" for k, v in sorted(r.attributes.items()))
            if r.attributes
            else ""
        )
        if r.readings:
            codes = [c for c, _ in r.readings]
            notices.append(
                Notice(
                    where,
                    "citation_ambiguous",
                    recorded,
                    r.rows,
                    f"read as {r.cited}: the record names {len(codes)} possible provisions "
                    f"({', '.join(codes)}); a measure is decided where every reading gives "
                    f"the same outcome{known}",
                    f"Which provision exactly is charged ({' or '.join(codes)})?",
                )
            )
            return out
        notices.append(
            Notice(
                where,
                "citation_ambiguous",
                recorded,
                r.rows,
                f"read as {r.cited}, which does not say which provision of the {code} table "
                f"applies ({options}, or another sub-level){known}",
                f"Which provision exactly is charged (for example {' or '.join(r.rows[:3])})?"
                + (f" Or give {_attrs_phrase(missing)} on the record." if missing else ""),
            )
        )
        return out
    if r.kind == "not_in_table":
        known = f" ({r.because})" if r.because else ""
        notices.append(
            Notice(
                where,
                "citation_not_in_table",
                recorded,
                (),
                f"read as {r.cited}, which is not in the {code} statute table: its "
                + (", ".join(missing) or "attributes")
                + f" are unknown{known}",
                _question(recorded, missing) if missing else None,
            )
        )
        return out
    near = table.suggestions(recorded)
    notices.append(
        Notice(
            where,
            "citation_unreadable",
            recorded,
            (),
            "could not be read as a provision of any code the "
            f"{code} table knows ({', '.join(sorted(table.families))})"
            + (f"; did you mean {', '.join(near)}?" if near else ""),
            _question(recorded, missing) if missing else None,
        )
    )
    return {"statute": recorded}


def _text(value: str | bool) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else value


def _question(recorded: str, missing: list[str]) -> str:
    return f"What is the offence `{recorded}`? Give {_attrs_phrase(missing)} on the record."


def read_substance(
    vocab: Substances, recorded: str, where: str, notices: list[Notice]
) -> dict[str, Any]:
    """The ``substance`` fact a recorded name gives (none when unknown)."""
    r = vocab.read(recorded)
    if r.name is not None:
        if r.kind == "read":
            how = f", {r.how}" if r.how else ""
            notices.append(
                Notice(where, "substance_read", recorded, (r.name,), f"read as {r.name}{how}")
            )
        return {"substance": r.name}
    if r.kind == "ambiguous":
        message = f"could be read as {' or '.join(r.suggestions)}: left unknown"
    else:
        message = "is not a substance name this jurisdiction's rules know: left unknown" + (
            f"; did you mean {', '.join(r.suggestions)}?" if r.suggestions else ""
        )
    notices.append(
        Notice(
            where,
            "substance_unknown",
            recorded,
            r.suggestions,
            message,
            f"Which substance is `{recorded}`, by a name the rules know"
            + (f" (for example {', '.join(r.suggestions)})" if r.suggestions else "")
            + "?",
        )
    )
    return {}


def read_quantity(
    value: float, unit: str, where: str, gross_counts: bool, notices: list[Notice]
) -> dict[str, Decimal]:
    """The quantity facts a recorded amount gives: ``quantity_g`` (the weight the rules
    compare), ``quantity_gross_g``, ``quantity_pure_g``, ``quantity_fresh_g``, ``quantity_ml``
    or ``quantity_units``."""
    u = read_unit(unit)
    amount = Decimal(repr(value))
    if u.measure is None:
        notices.append(
            Notice(
                f"{where}.unit",
                "unit_unknown",
                unit,
                (),
                "is not a unit this engine reads (grams, kg, ml, tablets, plants…): the quantity is unknown",
                f"In what unit is the quantity {value} `{unit}` (for example g, g gross, tablets)?",
            )
        )
        return {}
    if u.measure == "volume":
        return {"quantity_ml": _q(amount * u.factor)}
    if u.measure == "count":
        return {"quantity_units": _q(amount)}
    grams = _q(amount * u.factor)
    if u.basis == "weight":
        return {"quantity_g": grams}
    out = {f"quantity_{u.basis}_g": grams}
    if u.basis == "gross" and gross_counts:
        out["quantity_g"] = grams
        return out
    what = {
        "gross": "a gross weight (with packaging)",
        "pure": "the weight of the pure or active substance",
        "fresh": "a fresh (undried) weight",
    }[u.basis]
    notices.append(
        Notice(
            f"{where}.unit",
            "quantity_basis",
            f"{value} {unit}",
            (f"quantity_{u.basis}_g",),
            f"is {what}; rules that compare the weight of the substance as seized leave it unknown",
            "What is the net weight of the substance, without packaging?"
            if u.basis == "gross"
            else "What is the weight of the substance as seized (the mixture)?"
            if u.basis == "pure"
            else "What is the dried weight?",
        )
    )
    return out


def _q(value: Decimal) -> Decimal:
    return value.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
