"""The `pfocr-search serve` command: open the index, bind, serve until Ctrl-C.

Importing this module imports only typer and the shared options; the web
stack (Starlette, uvicorn, Jinja) is imported when the command runs, so the
CLI starts as fast without the `serve` extras, and says how to get them.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer

from ..errors import PfocrSearchError
from ..options import IndexOption, handle_errors

if TYPE_CHECKING:  # pragma: no cover
    import uvicorn

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


@handle_errors
def serve(
    index_path: Optional[Path] = IndexOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback unless told otherwise)."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port to listen on (0: any free port)."),
    cors: Optional[List[str]] = typer.Option(None, "--cors", help="Let pages from ORIGIN call the API "
                                                                  "(e.g. http://localhost:3000); repeatable."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn's log level: critical, error, warning, "
                                                              "info, debug."),
) -> None:
    """Serve a read-only HTTP API (/api/, /openapi.json, /docs) and a search page (/).

    The server follows updates of the index made by `pfocr-search index` while
    it runs. Stop it with Ctrl-C.

    Example: pfocr-search serve --index ./pfocr-index --port 8000
    """
    server, sock = _prepare(index_path, host, port, list(cors or ()), log_level)
    where = sock.getsockname()
    shown = f"[{where[0]}]" if ":" in where[0] else where[0]
    typer.echo(f"serving {server.config.app.state.index.path} at http://{shown}:{where[1]}/ "
               f"(API docs: /docs; Ctrl-C to stop)", err=True)
    try:
        server.run(sockets=[sock])  # uvicorn shuts down on Ctrl-C, then re-raises it for handle_errors
    finally:
        sock.close()


def _prepare(index_path: Path | None, host: str, port: int, cors: list[str],
             log_level: str) -> tuple["uvicorn.Server", socket.socket]:
    """The uvicorn server and its bound socket, or a one-line PfocrSearchError."""
    if log_level.lower() not in LOG_LEVELS:
        raise PfocrSearchError(f"--log-level must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}")
    try:
        import uvicorn

        from .app import create_app
    except ImportError as exc:
        raise PfocrSearchError(f"serve needs the web extras ({exc.name} is missing): "
                               "pip install 'pfocr-search[serve]'") from None
    app = create_app(index_path, cors, allowed_hosts=_allowed_hosts(host))
    try:
        sock = _bind(host, port)
    except PfocrSearchError:
        app.state.index.close()
        raise
    return uvicorn.Server(server_config(app, log_level)), sock


#: The longest request head (URL and headers) the server reads: what the
#: API's longest parameters take, percent-encoded (a gene list of
#: `MAX_QUERY` * 5 characters and a query, up to 12 bytes a character).
#: At h11's default, 16 KiB, a documented gene list had got h11's own bare
#: "400 Invalid HTTP request" in text/plain, not the API's answer.
MAX_REQUEST_HEAD = 256 * 1024


def server_config(app, log_level: str = "info") -> "uvicorn.Config":
    """How `serve` runs an app under uvicorn (the tests' server too)."""
    import uvicorn

    return uvicorn.Config(app, log_level=log_level.lower(), access_log=log_level.lower() == "debug",
                          server_header=False, timeout_graceful_shutdown=5, lifespan="on",
                          h11_max_incomplete_event_size=MAX_REQUEST_HEAD)


def _allowed_hosts(host: str) -> list[str]:
    """Host headers to accept: loopback names for a loopback server (so a
    web page cannot reach it through DNS rebinding), any for a public one."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback and ":" not in host:
        return ["127.0.0.1", "localhost"]
    return ["*"]


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, so a busy port or a bad address is one line of ours."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise PfocrSearchError(f"--host {host}: {exc.strerror}") from None
    # IPv4 first where a name has both ("localhost"): what browsers and tools try first.
    family, kind, proto, _, address = min(infos, key=lambda info: info[0] != socket.AF_INET)
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise PfocrSearchError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


if __name__ == "__main__":  # pragma: no cover - `python -m pfocr_search.serve.command`
    sys.exit(typer.run(serve))
