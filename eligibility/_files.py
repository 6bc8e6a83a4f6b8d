"""Reading ruleset-side files (rulesets, golden cases) without trusting the folder.

A rulesets folder is written by policy teams and deployed by operators; what is in it is still
checked before it is read: only a regular file is read (a FIFO would block the loader for ever,
a device such as ``/dev/zero`` never ends), only one whose real path lies inside its rulesets
folder (a symlink to ``/etc/shadow`` is refused, and its content is never read, so no message
can echo it), and never more than the ``ruleset_bytes`` limit (:mod:`eligibility.limits`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from eligibility.errors import Problem, RulesetError
from eligibility.limits import current, env_name

_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def _refuse(file: str, message: str) -> RulesetError:
    return RulesetError([Problem(message, file=file)])


def read_bounded(path: str | Path, root: str | Path | None = None) -> bytes:
    """The bytes of ``path``, a regular file inside ``root`` (default: the folder two levels
    up, where ``<root>/<jurisdiction>/<file>.yaml`` puts it) of at most ``ruleset_bytes``;
    raise :class:`RulesetError` otherwise, without reading it."""
    path = Path(path)
    file = str(path)
    limit = current().ruleset_bytes
    absolute = Path(os.path.abspath(path))
    folder = Path(root) if root is not None else absolute.parent.parent
    try:
        real, inside = absolute.resolve(), folder.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise _refuse(file, "cannot read the file: a symbolic link that loops") from None
    if not real.is_relative_to(inside):
        raise _refuse(
            file, "a link to a file outside the rulesets folder; only files inside it are read"
        )
    try:
        fd = os.open(
            absolute, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        )
    except OSError as exc:
        raise _refuse(file, f"cannot read the file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise _refuse(file, f"{kind}, not a regular file; only regular files are read")
        if info.st_size > limit:
            raise _refuse(file, _too_large(limit))
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise _refuse(file, f"cannot read the file: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        raise _refuse(file, _too_large(limit))
    return data


def _too_large(limit: int) -> str:
    return (
        f"the file is larger than the ruleset bytes limit ({limit:,} bytes, "
        f"{env_name('ruleset_bytes')})"
    )
