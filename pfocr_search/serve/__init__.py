"""`pfocr-search serve`: a read-only HTTP API and search page over one index.

    from pfocr_search.serve import create_app   # an ASGI app, for any ASGI server

    app = create_app("pfocr-index", cors=["http://localhost:3000"])

Needs the `serve` extras (Starlette, uvicorn, Jinja2): nothing here is
imported until a name is used, so `pfocr_search` imports without them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["create_app", "serve"]
_EXPORTS = {"create_app": "app", "serve": "command"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pfocr_search.serve' has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
