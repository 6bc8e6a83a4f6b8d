"""Safe YAML loading that remembers where every value came from.

Only plain data is built (mappings, sequences, scalars): no tags that construct objects, so no
ruleset file can execute code. Duplicate keys are errors, not silent overwrites.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from eligibility.errors import Problem
from eligibility.limits import Limits, current, env_name

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A 1-based position in a file, and the scalar's style (for condition offsets)."""

    line: int
    column: int
    style: str | None = None


@dataclass(frozen=True)
class Loaded:
    """A YAML document as plain data plus the position of every node, keyed by path."""

    data: Any
    marks: dict[Path, Mark]
    file: str
    text: str = ""

    def _value(self, path: Path) -> Any:
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def position_in_scalar(
        self, path: Path, line: int, column: int
    ) -> tuple[int | None, int | None]:
        """File position of (line, column) inside the string scalar at ``path``."""
        mark = self.marks.get(path)
        if mark is None:
            return None, None
        if mark.style in ("|", ">"):
            # Block scalars are folded or re-indented; find the offending token in the file.
            value = self._value(path)
            parsed = value.split("\n") if isinstance(value, str) else []
            if not 0 < line <= len(parsed):
                return mark.line, None
            token = parsed[line - 1][column - 1 :].split(" ")[0] or parsed[line - 1].strip()
            before = parsed[line - 1][: column - 1].count(token)
            lines = self.text.splitlines()
            for number in range(mark.line, len(lines)):
                raw = lines[number]
                if token and token in raw:
                    if before:
                        before -= raw.count(token)
                        if before >= 0:
                            continue
                    return number + 1, raw.index(token) + 1
            return mark.line, None
        quote = 1 if mark.style in ('"', "'") else 0
        if line == 1:
            return mark.line, mark.column + quote + column - 1
        return mark.line + line - 1, None

    def mark(self, path: Path) -> Mark | None:
        """Position of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get(())

    def problem(self, path: Path, message: str, hint: str | None = None) -> Problem:
        """A :class:`Problem` located at ``path`` in this file."""
        mark = self.mark(path)
        return Problem(
            message,
            file=self.file,
            line=mark.line if mark else None,
            column=mark.column if mark else None,
            location=render_path(path) or None,
            hint=hint,
        )


def render_path(path: Path) -> str:
    """``("measures", 0, "id")`` → ``measures[0].id``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Problem(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


_FAST = getattr(yaml, "CSafeLoader", None)
"""PyYAML's binding to libyaml (C), when the installed wheel has it: the same nodes, marks and
values six times faster. Its error messages are worded differently, so a file it refuses is
parsed again by the pure-Python loader, whose messages the documentation and tests show."""


def load_yaml(text: str, file: str) -> Loaded:
    """Parse one YAML document; raise ``ValueError`` carrying a :class:`Problem` on failure."""
    if _FAST is not None:
        try:
            return _load(_FAST, text, file)
        except YamlError as exc:
            if not exc.parser:  # a limit or a duplicate key: the same in either loader
                raise
            if "nesting depth" in exc.problem.message:
                # libyaml stops at 1,000 levels; the pure-Python parser would recurse until
                # RecursionError, slowly. Either way it is past the limit.
                raise YamlError(
                    Problem(
                        f"the YAML nests deeper than {_limit('yaml_nesting')}",
                        file=file,
                        line=exc.problem.line,
                        column=exc.problem.column,
                    ),
                    parser=False,
                ) from None
    return _load(yaml.SafeLoader, text, file)


def _load(kind: Any, text: str, file: str) -> Loaded:
    marks: dict[Path, Mark] = {}
    loader = None
    try:
        loader = kind(text)  # the reader refuses characters such as NUL here
        node = loader.get_single_node()
        if node is None:
            raise _Problem(Problem("the file is empty", file=file, line=1, column=1))
        data = _Builder(loader, marks, file, current()).build(node, (), 1)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(
            Problem(
                f"malformed YAML: {exc.problem or exc.context}",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise YamlError(
            Problem(
                f"malformed YAML: the character #x{exc.character:04x} is not allowed"
                if isinstance(exc.character, int)
                else "malformed YAML: a character that is not allowed",
                file=file,
                line=line,
                column=column,
            )
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(f"malformed YAML: {exc}", file=file)) from None
    except _Problem as exc:
        raise YamlError(exc.problem, parser=False) from None
    except RecursionError:  # the pure-Python parser recurses once per level of nesting
        raise YamlError(
            Problem(f"the YAML nests deeper than {_limit('yaml_nesting')}", file=file)
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return Loaded(data, marks, file, text)


class YamlError(ValueError):
    """A YAML file that cannot be read; ``problem`` says where and why."""

    def __init__(self, problem: Problem, parser: bool = True) -> None:
        self.problem = problem
        self.parser = parser
        """Whether the YAML parser refused the text (else our checks of what it built)."""
        super().__init__(problem.render())


def _limit(name: str) -> str:
    return f"the {name.replace('_', ' ')} limit ({getattr(current(), name):,}, {env_name(name)})"


class _Builder:
    """Builds plain data from nodes, bounded: an alias is built again each time it is used, so
    a few lines of nested aliases ("billion laughs") could expand to gigabytes; every node built
    counts against ``yaml_nodes`` and nesting (a recursive alias nests for ever) against
    ``yaml_nesting``."""

    def __init__(self, loader: Any, marks: dict[Path, Mark], file: str, limits: Limits) -> None:
        self.loader = loader
        self.marks = marks
        self.file = file
        self.nodes_left = limits.yaml_nodes
        self.max_depth = limits.yaml_nesting

    def _stop(self, node: yaml.Node, message: str) -> _Problem:
        return _Problem(
            Problem(
                message,
                file=self.file,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        )

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.nodes_left -= 1
        if self.nodes_left < 0:
            raise self._stop(
                node,
                f"the file expands to more YAML nodes than {_limit('yaml_nodes')} "
                "(aliases count each time they are used)",
            )
        if depth > self.max_depth and isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            raise self._stop(
                node,
                f"the YAML nests deeper than {_limit('yaml_nesting')} (or an alias refers to itself)",
            )
        loader, file = self.loader, self.file
        # libyaml reports a plain scalar's style as "", the pure-Python parser as None.
        self.marks[path] = Mark(
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            getattr(node, "style", None) or None,
        )
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Problem(
                        Problem(
                            "mapping keys must be plain text",
                            file=file,
                            line=key_node.start_mark.line + 1,
                            column=key_node.start_mark.column + 1,
                        )
                    )
                key = loader.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, bool)) or key in out:
                    message = (
                        f"duplicate key {key!r}"
                        if key in out
                        else "mapping keys must be plain text"
                    )
                    raise _Problem(
                        Problem(
                            message,
                            file=file,
                            line=key_node.start_mark.line + 1,
                            column=key_node.start_mark.column + 1,
                            location=render_path(path) or None,
                        )
                    )
                key = str(key) if not isinstance(key, str) else key
                out[key] = self.build(value_node, (*path, key), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return loader.construct_object(node, deep=True)
