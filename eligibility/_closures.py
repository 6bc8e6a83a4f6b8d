"""Conditions compiled to Python closures, and a plan's verdicts compiled to one function.

Two hot paths of the durable-rules pipeline used to walk syntax trees for every case:

* the derived terms the compilation lifts out of conditions (``offense_date - years(5)``,
  ``count(…) >= 2``, …), computed when the case is encoded — :func:`term` turns each into a
  closure with exactly the reference evaluator's semantics (``eligibility/_reference.py``);
* folding the fired rule names into criterion verdicts (Kleene logic over the atoms) —
  :func:`verdict_function` generates one Python function per compiled plan;
* writing the durable-rules document of a case — :func:`encoder_function` generates one
  function per compiled plan, with the fields it reads and the terms it derives unrolled.

The property tests hold the engine to the reference evaluator on every shipped ruleset, so any
difference in semantics fails them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eligibility import _expr as E
from eligibility._reference import Bound, _arith, _compare, kleene_and, kleene_or

if TYPE_CHECKING:
    from eligibility._compile import Formula, Plan

Env = Mapping[str, Bound]
Term = Callable[[Mapping[str, Any], Mapping[str, Any], Env], Any]
"""A compiled term: (facts, parameters, bound variables) → its value, ``None`` if unknown."""


def term(node: E.Node) -> Term:
    """``node`` as a closure computing what ``Evaluator(facts, params).value(node, env)`` does."""
    if isinstance(node, E.Lit):
        value = node.value
        return lambda f, p, e: value
    if isinstance(node, E.Name):
        name = node.name

        def name_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            if name in e:
                return e[name]
            if name in p:
                return p[name]
            return f.get(name)

        return name_fn
    if isinstance(node, E.Attr):
        obj, attr = term(node.obj), node.name

        def attr_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            o = obj(f, p, e)
            return o.item.get(attr) if isinstance(o, Bound) else None

        return attr_fn
    if isinstance(node, E.ListLit):
        items = [term(i) for i in node.items]

        def list_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            values = [i(f, p, e) for i in items]
            return None if any(v is None for v in values) else tuple(values)

        return list_fn
    if isinstance(node, E.Not):
        operand = term(node.operand)

        def not_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            v = operand(f, p, e)
            return None if v is None else not v

        return not_fn
    if isinstance(node, E.BoolOp):
        return _boolop(node.op, [term(o) for o in node.operands])
    if isinstance(node, E.Cmp):
        if isinstance(node.left, E.Count) or isinstance(node.right, E.Count):
            return _count_comparison(node)
        left, right, op = term(node.left), term(node.right), node.op

        def cmp_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            a = left(f, p, e)
            if a is None:
                return None
            b = right(f, p, e)
            if b is None:
                return None
            return _compare(op, a, b)

        return cmp_fn
    if isinstance(node, E.In):
        left, right, negated = term(node.left), term(node.right), node.negated

        def in_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            a, b = left(f, p, e), right(f, p, e)
            if b == ():
                return negated  # nothing is in an empty list, known or not
            if a is None or b is None:
                return None
            return (a in b) != negated

        return in_fn
    if isinstance(node, E.Arith):
        left, right, op = term(node.left), term(node.right), node.op

        def arith_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            a, b = left(f, p, e), right(f, p, e)
            if a is None or b is None:
                return None
            return _arith(op, a, b)

        return arith_fn
    if isinstance(node, E.Call):
        if isinstance(node.args[0], E.Lit) and node.args[0].value is not None:
            # years(5), date("2018-01-01"): the same value for every case, made once.
            made = term(node.args[0])
            const = _call(node.func, made({}, {}, {}))
            return lambda f, p, e: const
        arg, func = term(node.args[0]), node.func

        def call_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            a = arg(f, p, e)
            if a is None:
                return None
            return _call(func, a)

        return call_fn
    if isinstance(node, E.Quant):
        each, some = _each(node), node.kind == "some"

        def quant_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            results = each(f, p, e)
            if results is None:
                return None
            return kleene_or(results) if some else kleene_and(results)

        return quant_fn
    if isinstance(node, E.Count):
        each = _each(node)

        def count_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
            results = each(f, p, e)
            if results is None or any(r is None for r in results):
                return None
            return Decimal(sum(1 for r in results if r))

        return count_fn
    raise TypeError(f"unsupported node {type(node).__name__}")


def _call(func: str, arg: Any) -> Any:
    if func == "date":
        return E.parse_date_literal(arg)
    return E.Duration(**{func: int(arg)})


def _boolop(op: str, operands: list[Term]) -> Term:
    # Kleene's and (or): a falsehood (truth) decides, all truths (falsehoods) decide the other
    # way, anything else is unknown.
    decides = op == "or"
    other = not decides

    def boolop_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
        unknown = False
        for o in operands:
            v = o(f, p, e)
            if v is decides:
                return decides
            if v is not other:
                unknown = True
        return None if unknown else other

    return boolop_fn


def _each(
    node: E.Quant | E.Count,
) -> Callable[[Mapping[str, Any], Mapping[str, Any], Env], list[Any] | None]:
    assert isinstance(node.collection, E.Name)
    name, var, body = node.collection.name, node.var, term(node.body)

    def each_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> list[Any] | None:
        items = f.get(name)
        if items is None:
            return None
        return [body(f, p, {**e, var: Bound(name, i, item)}) for i, item in enumerate(items)]

    return each_fn


def _count_comparison(node: E.Cmp) -> Term:
    """A count compared while some items may be unknown: decided when every possible count
    agrees (as ``Evaluator._compare_count``)."""
    sides: list[tuple[bool, Any]] = [
        (True, _each(side)) if isinstance(side, E.Count) else (False, term(side))
        for side in (node.left, node.right)
    ]
    op = node.op

    def count_cmp_fn(f: Mapping[str, Any], p: Mapping[str, Any], e: Env) -> Any:
        bounds = []
        for is_count, fn in sides:
            if is_count:
                results = fn(f, p, e)
                if results is None:
                    return None
                low = sum(1 for r in results if r is True)
                bounds.append((low, low + sum(1 for r in results if r is None)))
            else:
                value = fn(f, p, e)
                if value is None:
                    return None
                bounds.append((value, value))
        (l_lo, l_hi), (r_lo, r_hi) = bounds
        if l_lo == l_hi and r_lo == r_hi and l_lo == int(l_lo) and r_lo == int(r_lo):
            return _compare(op, l_lo, r_lo)  # every count known and whole: one comparison
        # Counts are integers and the other side a Decimal or an integer: Python compares them
        # exactly, as Evaluator._compare_count does after converting both to Decimal.
        outcomes = {
            _compare(op, a, b)
            for a in range(int(l_lo), int(l_hi) + 1)
            if a == l_lo or a <= l_hi
            for b in ([r_lo] if r_lo == r_hi else range(int(r_lo), int(r_hi) + 1))
        }
        return outcomes.pop() if len(outcomes) == 1 else None

    return count_cmp_fn


# -- a plan's verdicts as one generated function -----------------------------------------------


def verdict_function(plan: Plan) -> Callable[[set[str]], dict[str, bool | None]]:
    """One function from the set of fired rule names to every criterion's Kleene verdict: what
    ``atom_values`` then ``fold`` compute, with the plan's structure unrolled into straight-line
    code (generated once per compiled plan; names and keys are written with ``repr``)."""
    lines = ["def verdicts(fired):"]
    missing_by_field: dict[str, list[str]] = {}
    for name, fld in sorted(plan.missing_rules.items()):
        missing_by_field.setdefault(fld, []).append(name)
    miss_var: dict[str, str] = {}
    for i, (fld, names) in enumerate(sorted(missing_by_field.items())):
        miss_var[fld] = f"m{i}"
        lines.append(f"    m{i} = " + " or ".join(f"{n!r} in fired" for n in names))
    tags: dict[tuple[int, str], list[str]] = {}
    for name, (index, tag) in sorted(plan.witnesses.items()):
        tags.setdefault((index, tag), []).append(name)

    def seen(index: int, tag: str) -> str:
        names = tags.get((index, tag))
        return "(" + " or ".join(f"{n!r} in fired" for n in names) + ")" if names else "False"

    for atom in plan.atoms:
        a = f"a{atom.index}"
        if atom.kind == "scalar":
            misses = [miss_var[f] for f in sorted(atom.case_fields) if f in miss_var]
            known = f"not {seen(atom.index, 'F')}"
            if misses:
                lines.append(f"    {a} = None if ({' or '.join(misses)}) else {known}")
            else:
                lines.append(f"    {a} = {known}")
            continue
        assert atom.list_name is not None
        some = (
            f"(True if {seen(atom.index, 'T')} else (None if {seen(atom.index, 'N')} else False))"
        )
        value = some if atom.kind == "some" else f"_not({some})"
        list_miss = miss_var.get("c_" + atom.list_name)
        lines.append(
            f"    {a} = None if {list_miss} else {value}" if list_miss else f"    {a} = {value}"
        )
    temps: dict[str, str] = {}

    def emit(f: Formula) -> str:
        key = repr(f)
        if key in temps:
            return temps[key]
        kind = f[0]
        if kind == "atom":
            return f"a{f[1]}"
        if kind == "const":
            return repr(f[1] if isinstance(f[1], bool) else None)
        if kind == "not":
            inner = emit(f[1])
            expr = f"None if {inner} is None else not {inner}"
        else:
            # Kleene's and/or over variables, inline: one falsehood (truth) decides, all truths
            # (falsehoods) decide the other way, anything else is unknown.
            parts = [emit(g) for g in f[1]]
            decides, other = (False, True) if kind == "and" else (True, False)
            any_decides = " or ".join(f"{p} is {decides}" for p in parts)
            all_other = " and ".join(f"{p} is {other}" for p in parts)
            expr = f"{decides} if ({any_decides}) else ({other} if ({all_other}) else None)"
        t = f"t{len(temps)}"
        temps[key] = t
        lines.append(f"    {t} = {expr}")
        return t

    results = {k: emit(f) for k, f in plan.formulas.items()}
    lines.append("    return {" + ", ".join(f"{k!r}: {v}" for k, v in results.items()) + "}")
    namespace: dict[str, Any] = {"_not": _not}
    exec(compile("\n".join(lines), "<verdicts>", "exec"), namespace)  # our own generated code
    fn: Callable[[set[str]], dict[str, bool | None]] = namespace["verdicts"]
    return fn


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


# -- a plan's durable document as one generated function ---------------------------------------

Encoder = Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[dict[str, Any], bool]]


def encoder_function(plan: Plan) -> Encoder:
    """One function from a case's facts and the parameters to its durable-rules document and
    whether it is complete (every field a quantifier reads is present, case-level and in every
    item): what walking ``plan``'s fields and derived terms gives, unrolled into straight-line
    code (generated once per compiled plan; names are written with ``repr``, values and closures
    passed in the namespace). ``tests/unit/test_closures.py`` holds it to that walk."""
    from eligibility._compile import AS_IS, encode

    namespace: dict[str, Any] = {"_encode": encode, "_AS_IS": AS_IS, "_Bound": Bound}
    lines = ["def encode_checked(facts, params):", "    out = {'t': 'case'}", "    get = facts.get"]

    def put(target: str, key: str, value: str = "v") -> None:
        lines.append(f"{pad}if {value} is not None:")
        lines.append(
            f"{pad}    {target}[{key!r}] = {value} if {value}.__class__ in _AS_IS "
            f"else _encode({value})"
        )

    pad = "    "
    for dname, fact in plan.case_fields.items():
        lines.append(f"{pad}v = get({fact!r})")
        put("out", dname)
    lines.append("    complete = True")
    for n, (list_name, item_fields) in enumerate(plan.list_fields.items()):
        derived = plan.derived_item.get(list_name, {})
        wanted = len(item_fields | derived.keys())
        lines += [
            f"    items = get({list_name!r})",
            "    if items is not None:",
            "        encoded = []",
            "        for i, item in enumerate(items):",
            "            row = {}",
            "            g = item.get",
        ]
        pad = " " * 12
        for f in item_fields:
            lines.append(f"{pad}v = g({f!r})")
            put("row", f)
        for k, (dname, (var, node)) in enumerate(derived.items()):
            spec = plan.membership.get(dname)
            if spec is not None:
                field_name, values, negated = spec
                namespace[f"_S{n}_{k}"] = values
                test = "not in" if negated else "in"
                lines.append(f"{pad}v = g({field_name!r})")
                lines.append(f"{pad}if v is not None:")
                lines.append(f"{pad}    row[{dname!r}] = v {test} _S{n}_{k}")
            else:
                namespace[f"_T{n}_{k}"] = term(node)
                lines.append(
                    f"{pad}v = _T{n}_{k}(facts, params, {{{var!r}: _Bound({list_name!r}, i, item)}})"
                )
                lines.append(f"{pad}if v is not None:")
                lines.append(f"{pad}    row[{dname!r}] = _encode(v)")
        lines += [
            f"            if len(row) < {wanted}:",
            "                complete = False",
            "            encoded.append(row)",
            f"        out[{'c_' + list_name!r}] = encoded",
            f"        out[{'n_' + list_name!r}] = len(encoded)",
        ]
        pad = "    "
    for k, (dname, node) in enumerate(plan.derived_case.items()):
        namespace[f"_C{k}"] = term(node)
        lines.append(f"    v = _C{k}(facts, params, {{}})")
        lines.append("    if v is not None:")
        lines.append(f"        out[{dname!r}] = _encode(v)")
    if plan.quantified_case_fields:
        absent = " or ".join(f"{f!r} not in out" for f in sorted(plan.quantified_case_fields))
        lines.append(f"    if complete and ({absent}):")
        lines.append("        complete = False")
    lines.append("    return out, complete")
    exec(compile("\n".join(lines), "<encoder>", "exec"), namespace)  # our own generated code
    fn: Encoder = namespace["encode_checked"]
    return fn
