"""Loading ruleset files: YAML → validated file model → checked, compiled :class:`Ruleset`.

Every problem in a file is collected and reported together, each with file, line, column and,
where one exists, a suggestion.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from eligibility import _expr as E
from eligibility import _ruleset_bounds as bounds
from eligibility import ruleset_schema as S
from eligibility._files import read_bounded
from eligibility._invariants import build_invariants
from eligibility._model import (
    Cite,
    CriterionDef,
    DatedValue,
    FactDef,
    MeasureDef,
    OffenceDef,
    ParameterDef,
    Period,
    Ruleset,
    UnsettledDef,
)
from eligibility._reference import facts_read
from eligibility._types import (
    CASE_FIELDS,
    Checker,
    ListOf,
    Scalar,
    Type,
    TypeCheckError,
    TypeProblem,
    fits,
    parse_type,
    suggest,
)
from eligibility._yaml import Loaded, YamlError, load_yaml
from eligibility.case import path_of, problems_from_validation, suggest_field
from eligibility.errors import ConditionSyntaxError, Problem, RulesetError
from eligibility.records.checks import substance_lists, vocabulary_problems
from eligibility.records.substances import Substances
from eligibility.records.table import Row, StatuteTable
from eligibility.records.vocabulary import Vocabulary, load_vocabulary, together_for

YamlPath = tuple[str | int, ...]


def load_ruleset(path: str | Path) -> Ruleset:
    """Load and check one ruleset file; raise :class:`RulesetError` listing every problem."""
    path = Path(path)
    return load_ruleset_text(read_bounded(path), str(path), load_vocabulary(path.parent))


def load_ruleset_text(raw: bytes, file: str, vocabulary: Vocabulary | None = None) -> Ruleset:
    """Load and check a ruleset from its bytes; ``file`` names it in messages. ``vocabulary``
    is its jurisdiction's records vocabulary (how records cite, name and weigh), if it has one."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RulesetError([Problem("the file is not UTF-8 text", file=file)]) from None
    try:
        loaded = load_yaml(text, file)
    except YamlError as exc:
        raise RulesetError([exc.problem]) from None
    if not isinstance(loaded.data, dict):
        raise RulesetError([loaded.problem((), "a ruleset must be a mapping of keys to values")])
    try:
        model = S.RulesetFile.model_validate(loaded.data)
    except ValidationError as exc:
        problems = []
        for p in problems_from_validation(exc):
            path = tuple("from" if x == "from_" else x for x in path_of(p.location or ""))
            hint = None
            if p.message == "unknown field" and path:
                hint = suggest_field(S.RulesetFile, path)
            problems.append(loaded.problem(path, p.message, hint))
        raise RulesetError(problems) from None
    builder = _Builder(model, loaded, hashlib.sha256(raw).hexdigest(), vocabulary)
    ruleset = builder.build()
    if not builder.problems:  # what the engine could not run, found now rather than per case
        builder.problems += bounds.yaml_integer_problems(loaded)
        builder.problems += bounds.engine_field_problems(ruleset, loaded)
    if builder.problems:
        raise RulesetError(sorted(builder.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return ruleset


class _Builder:
    """Checks a validated file for meaning and builds the :class:`Ruleset`."""

    def __init__(
        self,
        model: S.RulesetFile,
        loaded: Loaded,
        content_hash: str,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.m = model
        self.vocabulary = vocabulary
        self.loaded = loaded
        self.hash = content_hash
        self.problems: list[Problem] = []
        self.sources: dict[str, Cite] = {}
        self.expand: Any = lambda node: None
        self.checker = Checker({})

    def error(self, path: YamlPath, message: str, hint: str | None = None) -> None:
        self.problems.append(self.loaded.problem(path, message, hint))

    def build(self) -> Ruleset:
        m = self.m
        in_force = self._period(m.in_force, ("in_force",))
        for i, src in enumerate(m.sources):
            if src.id in self.sources:
                self.error(("sources", i, "id"), f"duplicate source id `{src.id}`")
            self.sources[src.id] = Cite(src.id, src.title, src.kind, src.url)
        facts = self._facts()
        unsettled = {
            name: UnsettledDef(name, u.text, self.cite(u.citation, ("unsettled", name, "citation")))
            for name, u in m.unsettled.items()
        }
        parameters = self._parameters(in_force)
        names: dict[str, Type] = dict(CASE_FIELDS)
        for kind, group in (
            ("fact", facts),
            ("unsettled point", unsettled),
            ("parameter", parameters),
        ):
            for name in group:
                if name in names:
                    self.error(
                        (f"{kind}s" if kind != "unsettled point" else "unsettled", name),
                        f"`{name}` is already the name of a case field, fact or parameter",
                    )
        names.update({n: f.type for n, f in facts.items()})
        names.update({n: Scalar.BOOL for n in unsettled})
        names.update({n: p.type for n, p in parameters.items()})
        self.checker = Checker(names)
        self._definitions(names)
        offences, table = self._offences()
        measures = self._measures(in_force)
        if m.alternatives == "none":
            if m.no_alternative is None:
                self.error(
                    ("alternatives",),
                    "`alternatives: none` needs a `no_alternative` entry citing the law",
                )
            if m.measures:
                self.error(("measures",), "a ruleset with `alternatives: none` lists no measures")
            if m.no_alternative is not None:
                na = m.no_alternative
                base = ("no_alternative",)
                measures = (
                    MeasureDef(
                        id=na.id,
                        title=na.title,
                        kind="none",
                        stage="court",
                        decided_by="no one: the law provides no alternative",
                        when_met=None,
                        cite=self.cite(na.citation, (*base, "citation")),
                        in_force=None,
                        applies_to=tuple(
                            self._criterion(c, na.id, "scope", (*base, "applies_to", i))
                            for i, c in enumerate(na.applies_to)
                        ),
                        requires=(),
                        excluded_if=(),
                        no_alternative_text=na.text,
                    ),
                )
        else:
            if m.no_alternative is not None:
                self.error(("no_alternative",), "`no_alternative` is only for `alternatives: none`")
            if not m.measures:
                self.error(
                    ("measures",),
                    "the ruleset lists no measures",
                    "or declare `alternatives: none`",
                )
        invariants = build_invariants(
            m.invariants, measures, facts, self.cite, self.error, self._line
        )
        return Ruleset(
            id=m.id,
            jurisdiction=m.jurisdiction,
            title=m.title,
            version=m.version,
            checked=m.checked,
            disclaimer=m.disclaimer,
            in_force=in_force,
            governing_date=m.governing_date,
            governing_date_reason=m.governing_date_reason,
            alternatives=m.alternatives,
            notes=tuple(m.notes),
            sources=self.sources,
            facts=facts,
            unsettled=unsettled,
            parameters=parameters,
            offences=offences,
            statutes=table,
            measures=measures,
            content_hash=self.hash,
            path=self.loaded.file,
            applies_in_subdivisions=m.applies_in_subdivisions,
            invariants=invariants,
            substances=self._substances(),
            vocabulary=self.vocabulary,
        )

    # -- pieces ---------------------------------------------------------------------------

    def _line(self, path: YamlPath) -> int | None:
        mark = self.loaded.mark(path)
        return mark.line if mark else None

    def cite(self, c: S.Citation, path: YamlPath) -> Cite:
        src = self.sources.get(c.source)
        if src is None:
            self.error(
                (*path, "source"),
                f"citation names unknown source `{c.source}`",
                suggest(c.source, list(self.sources)) or "add it under `sources:`",
            )
            return Cite(c.source, c.source, "statute", c.url or "", c.pinpoint)
        return Cite(src.source, src.title, src.kind, c.url or src.url, c.pinpoint)

    def _period(self, p: S.InForce, path: YamlPath) -> Period:
        if p.until is not None and p.until < p.from_:
            self.error((*path, "until"), "`until` is before `from`")
        return Period(p.from_, p.until)

    def _facts(self) -> dict[str, FactDef]:
        out = {}
        for name, f in self.m.facts.items():
            ftype = Scalar(f.type)
            assume = None
            reason = None
            if isinstance(f.missing, S.Assume):
                assume, reason = f.missing.assume, f.missing.reason
                if not fits(assume, ftype) or (f.values and assume not in f.values):
                    self.error(
                        ("facts", name, "missing", "assume"),
                        f"the assumed value does not fit a {f.type} fact",
                    )
            if f.values is not None and ftype != Scalar.STRING:
                self.error(("facts", name, "values"), "`values` is only for string facts")
            out[name] = FactDef(
                name, ftype, f.question, tuple(f.values) if f.values else None, assume, reason
            )
        return out

    def _parameters(self, in_force: Period) -> dict[str, ParameterDef]:
        out = {}
        for name, p in self.m.parameters.items():
            path: YamlPath = ("parameters", name)
            ptype = parse_type(p.type)
            if ptype is None:
                self.error((*path, "type"), f"unknown type {p.type!r}")
                continue
            cite = self.cite(p.citation, (*path, "citation"))
            values = []
            for i, v in enumerate(p.values):
                vpath = (*path, "values", i)
                period = self._period(S.InForce(**{"from": v.from_, "until": v.until}), vpath)
                value = _coerce(v.value, ptype)
                if value is None:
                    self.error((*vpath, "value"), f"the value does not fit the type {ptype}")
                    continue
                vcite = self.cite(v.citation, (*vpath, "citation")) if v.citation else cite
                values.append(DatedValue(period, value, vcite))
            values.sort(key=lambda v: v.period.start)
            self._check_coverage(name, values, in_force, path)
            out[name] = ParameterDef(name, ptype, p.description, tuple(values))
        return out

    def _check_coverage(
        self, name: str, values: list[DatedValue], in_force: Period, path: YamlPath
    ) -> None:
        day = in_force.start
        for prev, nxt in itertools.pairwise(values):
            if prev.period.until is None or prev.period.until >= nxt.period.start:
                self.error(
                    (*path, "values"), f"dated values of `{name}` overlap at {nxt.period.start}"
                )
                return
        for v in values:
            if v.period.start > day:
                self.error(
                    (*path, "values"),
                    f"parameter `{name}` has no value from {day} to {v.period.start - dt.timedelta(days=1)}",
                    "its dated values must cover the ruleset's in_force period",
                )
                return
            if v.period.until is None:
                return
            day = max(day, v.period.until + dt.timedelta(days=1))
        if (in_force.until is None or day <= in_force.until) and values:
            self.error(
                (*path, "values"),
                f"parameter `{name}` has no value from {day}",
                "its dated values must cover the ruleset's in_force period",
            )

    def _definitions(self, names: Mapping[str, Type]) -> None:
        parsed: dict[str, tuple[str | None, E.Node]] = {}
        for key, text in self.m.definitions.items():
            name, _, rest = key.partition("(")
            param = rest.rstrip(")") or None
            if name in names or name in parsed:
                self.error(
                    ("definitions", key),
                    f"`{name}` is already the name of a case field, fact, parameter or definition",
                )
                continue
            node = self._parse(text, ("definitions", key))
            if node is not None:
                parsed[name] = (param, node)
        done: dict[str, E.Node] = {}

        def resolve(name: str, stack: tuple[str, ...]) -> E.Node | None:
            if name not in parsed:
                return None
            if name in stack:
                raise _Cycle((*stack, name))
            if name not in done:
                done[name] = _substitute(
                    parsed[name][1], self._expander(parsed, resolve, (*stack, name))
                )
            return done[name]

        for name in parsed:
            try:
                resolve(name, ())
            except _Cycle as cyc:
                self.error(
                    ("definitions", name),
                    "definitions refer to each other in a loop: " + " → ".join(cyc.chain),
                )
                return
        keys = {key.partition("(")[0]: key for key in self.m.definitions}
        refused: set[str] = set()
        for name in parsed:
            why = bounds.too_large(done[name])
            if why is not None:  # refused before anything walks it written out
                refused.add(name)
                done[name] = E.Lit(True)
        for name in sorted(refused, key=list(parsed).index):
            # Name the definitions that grow too large themselves, not those that use them.
            if not refused & bounds.names_in(parsed[name][1]):
                self.error(
                    ("definitions", keys[name]),
                    bounds.too_large_message(),
                    "use the definitions fewer times",
                )
        self.expand = self._expander(parsed, resolve, ())
        for name, (param, _node) in parsed.items():
            if param is not None:
                continue  # checked where it is used, with the item it is given
            try:
                self.checker.type_of(done[name], {})
            except TypeCheckError as exc:
                self._type_problem(exc, ("definitions", name))

    @staticmethod
    def _expander(
        parsed: Mapping[str, tuple[str | None, E.Node]], resolve: Any, stack: tuple[str, ...]
    ) -> Any:
        def lookup(node: E.Node) -> E.Node | None:
            if isinstance(node, E.Name):
                entry = parsed.get(node.name)
                if entry is None or entry[0] is not None:
                    return None
                found: E.Node | None = resolve(node.name, stack)
                return found
            if isinstance(node, E.Call) and node.func in parsed:
                param, _ = parsed[node.func]
                if param is None or len(node.args) != 1:
                    raise TypeCheckError(
                        TypeProblem(
                            f"`{node.func}` takes {'no' if param is None else 'one'} argument",
                            node.line,
                            node.column,
                        )
                    )
                body = resolve(node.func, stack)
                assert body is not None and param is not None
                arg = node.args[0]
                return _substitute(
                    body, lambda n: arg if isinstance(n, E.Name) and n.name == param else None
                )
            return None

        return lookup

    def _offences(self) -> tuple[dict[str, OffenceDef], StatuteTable]:
        out: dict[str, OffenceDef] = {}
        for i, o in enumerate(self.m.offences):
            if o.code in out:
                self.error(("offences", i, "code"), f"duplicate offence code `{o.code}`")
            if o.citation:
                self.cite(o.citation, ("offences", i, "citation"))
            out[o.code] = OffenceDef(o.code, o.title, o.category, o.class_, o.drug_related)
        families = {k: list(v) for k, v in self.m.statute_families.items()}
        cites = self.vocabulary.file.citations if self.vocabulary else None
        if cites is not None:
            for name, spellings in cites.families.items():
                families.setdefault(name, []).extend(spellings)
        table = StatuteTable(
            (
                (
                    Row(
                        o.code,
                        o.title,
                        {"category": o.category, "class": o.class_, "drug_related": o.drug_related},
                    ),
                    o.aliases,
                )
                for o in self.m.offences
            ),
            families,
            prefixes=cites.prefixes if cites else (),
            ignore=cites.ignore if cites else (),
            sharing=self.vocabulary.sharing_for(families) if self.vocabulary else (),
            letter_suffix_may_be_subdivision=bool(cites and cites.letter_suffix_may_be_subdivision),
            together=together_for(self.vocabulary, families) if self.vocabulary else (),
        )
        return out, table

    def _substances(self) -> Substances:
        """The substance vocabulary as this ruleset's lists see it: every name a list compares
        with a charge's substance reads as itself unless the vocabulary maps it."""
        lists = substance_lists(self.m)
        rule_names = [v for values in lists.values() for v in values]
        subs = self.vocabulary.file.substances if self.vocabulary else None
        vocab = Substances(
            subs.names if subs else {}, subs.ignore_words if subs else (), rule_names
        )
        for problem in vocabulary_problems(vocab, lists):
            self.error(("parameters", problem[0]), problem[1], problem[2])
        return vocab

    def _measures(self, in_force: Period) -> tuple[MeasureDef, ...]:
        out = []
        seen: set[str] = set()
        for i, ms in enumerate(self.m.measures):
            path: YamlPath = ("measures", i)
            if ms.id in seen:
                self.error((*path, "id"), f"duplicate measure id `{ms.id}`")
            seen.add(ms.id)
            ids: set[str] = set()

            def crit(
                c: S.Criterion, role: str, cpath: YamlPath, ids: set[str] = ids, mid: str = ms.id
            ) -> CriterionDef:
                if c.id in ids:
                    self.error(
                        (*cpath, "id"), f"duplicate criterion id `{c.id}` in measure `{mid}`"
                    )
                ids.add(c.id)
                return self._criterion(c, mid, role, cpath)

            excluded = []
            for j, ex in enumerate(ms.excluded_if):
                epath = (*path, "excluded_if", j)
                base = crit(ex, "excluded_if", epath)
                unless = tuple(
                    crit(u, "unless", (*epath, "unless", k)) for k, u in enumerate(ex.unless)
                )
                excluded.append(dataclasses.replace(base, unless=unless))
            period = self._period(ms.in_force, (*path, "in_force")) if ms.in_force else None
            if (
                period
                and (
                    period.start < in_force.start
                    and (period.until is None or period.until >= in_force.start)
                )
                is False
                and period.until is not None
                and period.until < in_force.start
            ):
                self.error(
                    (*path, "in_force"), "the measure is never in force while the ruleset is"
                )
            out.append(
                MeasureDef(
                    id=ms.id,
                    title=ms.title,
                    kind=ms.kind,
                    stage=ms.stage,
                    decided_by=ms.decided_by,
                    when_met=ms.when_met,
                    cite=self.cite(ms.citation, (*path, "citation")),
                    in_force=period,
                    applies_to=tuple(
                        crit(c, "scope", (*path, "applies_to", k))
                        for k, c in enumerate(ms.applies_to)
                    ),
                    requires=tuple(
                        crit(c, "requires", (*path, "requires", k))
                        for k, c in enumerate(ms.requires)
                    ),
                    excluded_if=tuple(excluded),
                    notes=tuple(ms.notes),
                    governing_date=ms.governing_date,
                )
            )
        return tuple(out)

    def _criterion(self, c: S.Criterion, measure: str, role: str, path: YamlPath) -> CriterionDef:
        cite = self.cite(c.citation, (*path, "citation"))
        node = self._parse(c.condition, (*path, "condition"))
        if node is None:
            node = E.Lit(True)
        else:
            try:
                node = _substitute(node, self.expand)
                why = bounds.too_large(node)
                if why is not None:
                    node = E.Lit(True)
                    raise TypeCheckError(TypeProblem(why, 1, 1, "use the definitions fewer times"))
                self.checker.check_condition(node)
            except TypeCheckError as exc:
                self._type_problem(exc, (*path, "condition"))
        key = f"{measure}.{c.id}"
        names, lists = facts_read(node, frozenset(self.m.unsettled) | frozenset(self.m.parameters))
        return CriterionDef(
            key,
            c.id,
            role,
            c.text,
            cite,
            c.condition,
            node,
            read_names=names,
            read_lists=tuple(lists.items()),
        )

    def _parse(self, text: str, path: YamlPath) -> E.Node | None:
        try:
            node = E.parse(text)
        except ConditionSyntaxError as exc:
            self._condition_problem(path, exc.message, exc.line, exc.column, exc.hint)
            return None
        for p in bounds.literal_problems(node):
            self._condition_problem(path, p.message, p.line or 1, p.column or 1, p.hint)
        return node

    def _type_problem(self, exc: TypeCheckError, path: YamlPath) -> None:
        p = exc.problem
        self._condition_problem(path, p.message, p.line or 1, p.column or 1, p.hint)

    def _condition_problem(
        self, path: YamlPath, message: str, line: int, column: int, hint: str | None
    ) -> None:
        """Report a problem at a position inside the condition text at ``path``."""
        file_line, file_column = self.loaded.position_in_scalar(path, line, column)
        self.problems.append(
            Problem(
                message,
                file=self.loaded.file,
                line=file_line,
                column=file_column,
                location=_render(path),
                hint=hint,
            )
        )


class _Cycle(Exception):
    def __init__(self, chain: tuple[str, ...]) -> None:
        self.chain = chain


def _render(path: YamlPath) -> str:
    from eligibility._yaml import render_path

    return render_path(path)


def _substitute(node: E.Node, lookup: Any) -> E.Node:
    """Rebuild ``node``, replacing each free name or call for which ``lookup`` returns a node."""

    def go(n: E.Node, bound: frozenset[str]) -> E.Node:
        if isinstance(n, E.Name):
            if n.name in bound:
                return n
            repl = lookup(n)
            return repl if repl is not None else n
        if isinstance(n, E.Call):
            args = tuple(go(a, bound) for a in n.args)
            call = E.Call(n.func, args, line=n.line, column=n.column)
            repl = lookup(call)
            return repl if repl is not None else call
        if isinstance(n, E.Attr):
            return E.Attr(go(n.obj, bound), n.name, line=n.line, column=n.column)
        if isinstance(n, E.ListLit):
            return E.ListLit(tuple(go(i, bound) for i in n.items), line=n.line, column=n.column)
        if isinstance(n, E.Not):
            return E.Not(go(n.operand, bound), line=n.line, column=n.column)
        if isinstance(n, E.BoolOp):
            return E.BoolOp(
                n.op, tuple(go(o, bound) for o in n.operands), line=n.line, column=n.column
            )
        if isinstance(n, E.Cmp):
            return E.Cmp(n.op, go(n.left, bound), go(n.right, bound), line=n.line, column=n.column)
        if isinstance(n, E.In):
            return E.In(
                go(n.left, bound), go(n.right, bound), n.negated, line=n.line, column=n.column
            )
        if isinstance(n, E.Arith):
            return E.Arith(
                n.op, go(n.left, bound), go(n.right, bound), line=n.line, column=n.column
            )
        if isinstance(n, E.Quant):
            inner = bound | {n.var}
            return E.Quant(
                n.kind,
                n.var,
                go(n.collection, bound),
                go(n.body, inner),
                line=n.line,
                column=n.column,
            )
        if isinstance(n, E.Count):
            inner = bound | {n.var}
            return E.Count(
                n.var, go(n.collection, bound), go(n.body, inner), line=n.line, column=n.column
            )
        return n

    return go(node, frozenset())


def _coerce(value: Any, t: Type) -> Any:
    """Convert a YAML parameter value to its runtime form, or ``None`` if it does not fit."""
    if isinstance(t, ListOf):
        if not isinstance(value, list) or t.elem is None or not isinstance(t.elem, Scalar):
            return None
        items = [_coerce(v, t.elem) for v in value]
        return None if any(i is None for i in items) else tuple(items)
    if not isinstance(t, Scalar) or not fits(value, t):
        return None
    if t == Scalar.NUMBER:
        return Decimal(str(value))
    return value


def load_ruleset_files(files: Iterable[Path]) -> list[Ruleset]:
    """Load every file; raise one :class:`RulesetError` naming the problems of all of them."""
    loaded: list[Ruleset] = []
    problems: list[Problem] = []
    for file in files:
        try:
            loaded.append(load_ruleset(file))
        except RulesetError as exc:
            # A jurisdiction's vocabulary problem is reported once, not once per ruleset file.
            problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise RulesetError(problems)
    return loaded


def iter_ruleset_files(root: Path) -> Iterator[Path]:
    """Every ruleset file under ``root`` (``<jurisdiction>/*.yaml``, golden cases excluded)."""
    yield from sorted(root.glob("*/*.yaml"))
