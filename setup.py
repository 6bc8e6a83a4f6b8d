"""Build steps pyproject.toml cannot declare: the vendored durable-rules C engine and the rulesets.

Everything else (metadata, dependencies, packages) is in pyproject.toml.

- ``_eligibility_durable_engine`` is compiled from ``vendor/durable_rules`` (durable-rules
  2.0.28, MIT; what we changed is listed in ``vendor/durable_rules/CHANGES.md``). It is one
  extension built from all the engine's sources, so no separate static library is needed.
  ``-Wall`` is always on; ``ELIGIBILITY_STRICT_BUILD=1`` (set by CI) makes any warning an error,
  so a warning cannot creep back in.
- The shipped rulesets travel inside a (non-editable) wheel as ``eligibility/_shipped_rulesets``;
  an editable install reads them beside the source tree instead
  (``eligibility._evaluate.shipped_rulesets_dir``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
VENDOR = Path("vendor/durable_rules/src")
ENGINE_SOURCES = ["json", "rete", "state", "events", "regex"]

# Flags for gcc and clang. -std=gnu11: the engine is C99, CPython 3.11+ headers need C11.
UNIX_FLAGS = ["-std=gnu11", "-Wall"]
STRICT_FLAGS = ["-Werror"]


class BuildEngine(build_ext):
    """Adds warning flags the compiler understands (MSVC takes none of gcc's)."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type == "unix":
            flags = list(UNIX_FLAGS)
            if os.environ.get("ELIGIBILITY_STRICT_BUILD") == "1":
                flags += STRICT_FLAGS
            extra = os.environ.get("ELIGIBILITY_ENGINE_CFLAGS", "").split()
            for ext in self.extensions:
                ext.extra_compile_args = [*flags, *extra]
                # Sanitizer builds (docs/engine.md) need the flags at link time as well.
                ext.extra_link_args = [f for f in extra if f.startswith("-fsanitize")]
        super().build_extensions()


class BuildWithRulesets(build_py):
    """Copies ``rulesets/`` into the wheel as ``eligibility/_shipped_rulesets``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads ./rulesets directly
        source = HERE / "rulesets"
        if not source.is_dir():  # building from an sdist that was made without them
            raise SystemExit("rulesets/ is missing: the wheel would ship no rulesets")
        target = Path(self.build_lib) / "eligibility" / "_shipped_rulesets"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)


setup(
    ext_modules=[
        Extension(
            "_eligibility_durable_engine",
            sources=[
                *(str(VENDOR / "rules" / f"{name}.c") for name in ENGINE_SOURCES),
                str(VENDOR / "rulespy" / "rules.c"),
            ],
            include_dirs=[str(VENDOR / "rules")],
            define_macros=[("_GNU_SOURCE", None)],
        )
    ],
    cmdclass={"build_ext": BuildEngine, "build_py": BuildWithRulesets},
)
