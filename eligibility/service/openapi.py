"""Write the service's OpenAPI document: ``python -m eligibility.service.openapi docs/openapi.json``.

The committed copy is checked for freshness by the test suite.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from eligibility.service._app import create_app
from eligibility.service._settings import Settings


def render() -> str:
    """The OpenAPI document of the service with default settings, as committed."""
    app = create_app(Settings(evaluator="reference"))
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    Path(sys.argv[1] if len(sys.argv) > 1 else "docs/openapi.json").write_text(
        render(), encoding="utf-8"
    )
