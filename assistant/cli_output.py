"""How the CLI commands print JSON: Chinese as it is, flushed at once (batch callers read line by line).

Usage::

    print_json(answer.to_dict())                        # indented
    print_json({"query": q, "hits": hits}, indent=None)  # one line
"""

from __future__ import annotations

import json
from typing import Any


def print_json(data: Any, indent: int | None = 1) -> None:
    """Print ``data`` as JSON to stdout."""
    print(json.dumps(data, ensure_ascii=False, indent=indent), flush=True)
