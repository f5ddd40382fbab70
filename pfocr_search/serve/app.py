"""The ASGI application: one `FigureIndex`, opened once and shared by every
request (it is thread-safe and follows index updates by itself), the JSON
API, the OpenAPI document, the pages, and the mapping of errors to statuses.

Nothing here writes: every route is GET (and HEAD), so nothing over HTTP can
change the index.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from pathlib import Path
from typing import Any, AsyncIterator, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import IndexNotFoundError, PfocrSearchError, UnknownFigureError, UnknownFilterError
from ..index import FigureIndex
from . import api, pages
from .openapi import openapi_document
from .render import JSONBody

HERE = Path(__file__).parent
log = logging.getLogger("pfocr_search.serve")
#: Where pages may load from: themselves, and figure images at PMC.
CSP = ("default-src 'self'; img-src 'self' https://www.ncbi.nlm.nih.gov data:; style-src 'self'; "
       "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def create_app(index_path: str | os.PathLike[str] | None = None, cors: Sequence[str] = (), *,
               allowed_hosts: Sequence[str] = ("*",)) -> Starlette:
    """The pfocr-search web application over the index at `index_path`
    (default: $PFOCR_SEARCH_INDEX, else ./pfocr-index).

    The index is opened here, so a missing one fails now (IndexNotFoundError),
    not on the first request; it is closed when the server shuts down.
    `cors` lists origins whose pages may call the API; `allowed_hosts` the
    Host headers accepted (a server on loopback accepts only loopback names,
    which keeps other web sites from reaching it by DNS rebinding).
    """
    cors = _origins(cors)
    index = FigureIndex.open(index_path)
    document = openapi_document(api.ENDPOINTS)

    async def openapi_json(request: Request) -> Response:
        return JSONBody(document)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            index.close()

    routes = [
        *api.routes(),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        *pages.routes(),
        Route("/api/docs", lambda request: RedirectResponse("/docs", 308), methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(_SecurityHeaders), Middleware(_Guard),
                  Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts) or ["*"])]
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors), allow_methods=["GET", "HEAD"],
                                     allow_headers=["*"], max_age=600))
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={PfocrSearchError: _library_error, HTTPException: _http_error})
    app.state.index = index
    app.state.openapi = document
    return app


#: What a browser sends as Origin: scheme://host[:port], no path ("*": any).
_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[^\s/?#]+")


def _origins(cors: Sequence[str]) -> list[str]:
    """`cors` checked, in lower case as browsers send them: an origin that is
    not one (or HTTPS://Example.ORG as typed) had matched no request, silently."""
    for origin in cors:
        if origin not in ("*", "null") and not _ORIGIN.fullmatch(origin.lower()):
            raise PfocrSearchError(f"--cors {origin!r} is not an origin: scheme://host[:port] with no path "
                                   "(e.g. http://localhost:3000), null (a file:// page) or *")
    return [origin.lower() for origin in cors]


def status_of(exc: PfocrSearchError) -> int:
    """The HTTP status of an error the user caused."""
    if isinstance(exc, (UnknownFigureError, IndexNotFoundError)):
        return 404
    if isinstance(exc, UnknownFilterError):  # a parameter's value the index has no figure for
        return 422
    return int(getattr(exc, "status", 400))


def one_line(text: str, limit: int = 300) -> str:
    """A message as one line of at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _error(request: Request, status: int, message: str, kind: str,
           headers: dict[str, str] | None = None, exc: PfocrSearchError | None = None) -> Response:
    """An error as JSON for API clients, as a page for people."""
    path = request.url.path
    if path.startswith("/api/") or path in ("/api", "/openapi.json"):
        return JSONBody({"error": message, "type": kind, "status": status}, status_code=status, headers=headers)
    return pages.error_page(request, status, message, headers, exc)


async def _library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PfocrSearchError)
    return _error(request, status_of(exc), one_line(str(exc)), type(exc).__name__, exc=exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"no such page: {one_line(request.url.path, 200)}"
    elif exc.status_code == 405:
        message = f"method {request.method} not allowed: this server is read-only (GET)"
    else:
        message = one_line(str(exc.detail))
    return _error(request, exc.status_code, message, "HTTPException", exc.headers)


class _HttpMiddleware:
    """ASGI middleware that acts on HTTP requests and passes anything else through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        else:
            await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class _Guard(_HttpMiddleware):
    """Anything unexpected (a bug, not the user's doing) becomes a one-line 500
    and a logged traceback.  Caught here rather than left to the server, so
    the connection stays open and no traceback reaches the client."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # the last line of defence
            log.error("internal error on %s %s", scope.get("method"), scope.get("path"), exc_info=exc)
            if started:  # too late for an error response: let the server drop the connection
                raise
            message = one_line(f"internal error: {type(exc).__name__}: {exc}")
            await _error(Request(scope), 500, message, "InternalError")(scope, receive, send)


class _SecurityHeaders(_HttpMiddleware):
    """Headers every response carries: no sniffing, no framing, and for
    pages a content security policy that allows only this server and PMC images."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                            (b"content-security-policy", CSP.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
