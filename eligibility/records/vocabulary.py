"""A jurisdiction's records vocabulary: ``rulesets/<jurisdiction>/records/vocabulary.yaml``.

It says how that jurisdiction's court, police and prosecution records cite offences (extra code
family spellings, jurisdiction prefixes, chapter citations to ignore, which sub-levels share the
attributes of the provision above them), name substances (spellings onto the names its rules
use, words such as salts that make no legal difference) and weigh them (whether a gross weight
may stand for the net weight). Every ruleset file of the jurisdiction reads records through it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eligibility._files import read_bounded
from eligibility._yaml import YamlError, load_yaml
from eligibility.case import path_of, problems_from_validation, suggest_field
from eligibility.errors import Problem, RulesetError
from eligibility.records.citations import read_citation
from eligibility.records.substances import substance_key
from eligibility.records.table import Sharing, Together, squash

__all__ = ["VOCABULARY_FILE", "Vocabulary", "VocabularyFile", "load_vocabulary"]

VOCABULARY_FILE = Path("records") / "vocabulary.yaml"
"""Where a jurisdiction's vocabulary lives, relative to its rulesets folder."""

_CONFIG = ConfigDict(extra="forbid", frozen=True)


class SharedSublevels(BaseModel):
    """The sub-levels of ``provision`` share attributes (with the row, or stated values)."""

    model_config = _CONFIG

    provision: str = Field(min_length=1)
    """A citation the table's families read, e.g. ``HSC 11350`` or ``BtMG 29``."""
    inherit: Literal["all"] | list[Literal["category", "class", "drug_related"]] = Field(
        default_factory=list
    )
    """Attributes a sub-level takes from the row ``provision`` names; ``all`` makes it that
    row's offence."""
    values: dict[Literal["category", "class", "drug_related"], str | bool] = Field(
        default_factory=dict
    )
    """Attributes every sub-level has, stated directly."""
    because: str = Field(min_length=1)
    """Why, citing the provision."""
    complete: bool = False
    """The table lists every sub-level of ``provision``: a record naming only the provision is
    then read under each of them, and decided where every reading agrees."""
    same_offence_as: list[str] = Field(default_factory=list)
    """Table rows of the offence(s) ``provision`` belongs to: a penalty provision is read as
    the offence it punishes (``CDSA 4(3)`` → ``CDSA 4(1)``)."""


class ReadTogether(BaseModel):
    """Provisions records cite together for one offence (``PC 459/460(b)``)."""

    model_config = _CONFIG

    provisions: list[str] = Field(min_length=2)
    """The provisions, e.g. ``[PC 459, PC 460]``."""
    read_as: str = Field(min_length=1)
    """The one whose offence it is, e.g. ``PC 459``."""
    because: str = Field(min_length=1)
    """Why, citing the law."""


class CitationsSection(BaseModel):
    """How records cite offences."""

    model_config = _CONFIG

    families: dict[str, list[str]] = Field(default_factory=dict)
    """More spellings of code families, merged with each ruleset's ``statute_families``."""
    prefixes: list[str] = Field(default_factory=list)
    """Jurisdiction prefixes records put before a code name (``Cal.``, ``N.Y.``, ``(NSW)``)."""
    ignore: list[str] = Field(default_factory=list)
    """Other words to skip, such as chapter citations (``S.C. 1996, c. 19``)."""
    letter_suffix_may_be_subdivision: bool = False
    """Read ``11357b`` as ``11357(b)`` when the table has no section ``11357b``."""
    shared_sublevels: list[SharedSublevels] = Field(default_factory=list)
    read_together: list[ReadTogether] = Field(default_factory=list)
    """Provisions cited together for one offence, read as the one named."""


class SubstancesSection(BaseModel):
    """How records name substances."""

    model_config = _CONFIG

    names: dict[str, list[str]] = Field(default_factory=dict)
    """Each name the rules use, with the spellings records use for it."""
    ignore_words: list[str] = Field(default_factory=list)
    """Words that make no legal difference in this jurisdiction (salts, forms)."""


class QuantitiesSection(BaseModel):
    """How records weigh."""

    model_config = _CONFIG

    gross_counts_as_weight: bool = False
    """A gross weight (with packaging) may stand for the weight the rules compare."""


class VocabularyFile(BaseModel):
    """The file."""

    model_config = _CONFIG

    jurisdiction: str = Field(min_length=2)
    checked: dt.date
    """When the spellings and declarations were last reviewed."""
    notes: list[str] = Field(default_factory=list)
    citations: CitationsSection = Field(default_factory=CitationsSection)
    substances: SubstancesSection = Field(default_factory=SubstancesSection)
    quantities: QuantitiesSection = Field(default_factory=QuantitiesSection)


@dataclass(frozen=True)
class Vocabulary:
    """A loaded vocabulary."""

    file: VocabularyFile
    path: str
    content_hash: str

    def sharing_for(self, families: dict[str, list[str]]) -> tuple[Sharing, ...]:
        """The sub-level declarations, read with ``families``."""
        out = []
        for decl in self.file.citations.shared_sublevels:
            inherit: tuple[str, ...] | Literal["all"] = (
                "all" if decl.inherit == "all" else tuple(decl.inherit)
            )
            family = _family_named(decl.provision, families)
            if family is not None:  # the whole code: every row of it stands for its sub-levels
                out.append(
                    Sharing(
                        family,
                        "*",
                        (),
                        inherit,
                        {str(k): v for k, v in decl.values.items()},
                        decl.because,
                    )
                )
                continue
            cited = read_citation(decl.provision, families, self.file.citations.prefixes)
            if len(cited.alternatives) != 1 or len(cited.alternatives[0]) != 1:
                continue
            part = cited.alternatives[0][0]
            if part.family is None:
                continue
            out.append(
                Sharing(
                    part.family,
                    part.section,
                    part.levels,
                    inherit,
                    {str(k): v for k, v in decl.values.items()},
                    decl.because,
                    decl.complete,
                    tuple(decl.same_offence_as),
                )
            )
        return tuple(out)


def together_for(vocab: Vocabulary, families: dict[str, list[str]]) -> tuple[Together, ...]:
    """The ``read_together`` declarations, read with ``families``."""
    out = []
    for decl in vocab.file.citations.read_together:
        keys = []
        for text in (*decl.provisions, decl.read_as):
            cited = read_citation(text, families, vocab.file.citations.prefixes)
            if len(cited.alternatives) != 1 or len(cited.alternatives[0]) != 1:
                break
            part = cited.alternatives[0][0]
            keys.append((part.family, part.section))
        else:
            out.append(
                Together(frozenset(keys[:-1]), (str(keys[-1][0]), keys[-1][1]), decl.because)
            )
    return tuple(out)


def _family_named(text: str, families: dict[str, list[str]]) -> str | None:
    key = squash(text)
    for name, spellings in families.items():
        if key in {squash(s) for s in (name, *spellings)}:
            return name
    return None


_cache: dict[str, tuple[float, Vocabulary | None]] = {}


def _clashes(model: VocabularyFile) -> list[tuple[tuple[str | int, ...], str]]:
    """Spellings the file gives two names."""
    seen: dict[str, str] = {}
    out = []
    for name, spellings in model.substances.names.items():
        for i, spelling in enumerate((name, *spellings)):
            key = substance_key(spelling)
            other = seen.setdefault(key, name)
            if other != name:
                where: tuple[str | int, ...] = ("substances", "names", name) + (
                    (i - 1,) if i else ()
                )
                out.append((where, f"`{spelling}` is a spelling of both `{other}` and `{name}`"))
    return out


def clear_cache() -> None:
    """Forget loaded vocabularies (they are otherwise reloaded only when a file's mtime moves)."""
    _cache.clear()


def load_vocabulary(jurisdiction_dir: Path) -> Vocabulary | None:
    """The vocabulary of the jurisdiction folder ``jurisdiction_dir``, or ``None`` if it has none;
    raise :class:`RulesetError` naming every problem of a wrong file."""
    path = jurisdiction_dir / VOCABULARY_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    key = str(path)
    cached = _cache.get(key)
    if cached is not None and cached[0] == stat.st_mtime:
        return cached[1]
    # Bounded like a ruleset: a regular file inside the rulesets folder, never too large.
    raw = read_bounded(path, jurisdiction_dir.parent)
    try:
        text = raw.decode("utf-8")
        loaded = load_yaml(text, key)
    except UnicodeDecodeError:
        raise RulesetError([Problem("the file is not UTF-8 text", file=key)]) from None
    except YamlError as exc:
        raise RulesetError([exc.problem]) from None
    try:
        model = VocabularyFile.model_validate(loaded.data)
    except ValidationError as exc:
        problems = []
        for p in problems_from_validation(exc):
            where = path_of(p.location or "")
            hint = suggest_field(VocabularyFile, where) if p.message == "unknown field" else None
            problems.append(loaded.problem(where, p.message, hint))
        raise RulesetError(problems) from None
    clashes = _clashes(model)
    if clashes:
        raise RulesetError([loaded.problem(where, message) for where, message in clashes])
    if model.jurisdiction.lower() != jurisdiction_dir.name.lower():
        raise RulesetError(
            [
                loaded.problem(
                    ("jurisdiction",),
                    f"the folder is {jurisdiction_dir.name}, the file says {model.jurisdiction}",
                )
            ]
        )
    vocab = Vocabulary(model, key, hashlib.sha256(raw).hexdigest())
    _cache[key] = (stat.st_mtime, vocab)
    return vocab
