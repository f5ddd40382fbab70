"""`pfocr-search serve`: the real server (uvicorn on a free loopback port),
driven over HTTP: the JSON API against the Python API's own results, bad
input, requests during index updates, the command itself, and the search
page in headless Chromium (the OpenAPI fuzzer is in test_serve_fuzz.py)."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

httpx = pytest.importorskip("httpx", reason="the serve extras are not installed: pip install '.[test]'")
uvicorn = pytest.importorskip("uvicorn", reason="the serve extras are not installed: pip install '.[test]'")

from pfocr_search import FigureIndex  # noqa: E402
from pfocr_search.output import HIT_COLUMNS, gmt_line  # noqa: E402
from pfocr_search.serve.app import create_app  # noqa: E402
from pfocr_search.serve.command import server_config  # noqa: E402
from pfocr_search.serve.params import MAX_LIMIT, MAX_QUERY, MAX_TERMS  # noqa: E402

JAK_STAT = "PMC7176449__cm9-133-0959-g001"
HOSTILE = "PMC999999__hostile-f1"
HOSTILE_RECORD = """---
figid: PMC999999__hostile-f1
figtitle: '<img src=x onerror=alert(1)> Hostile <b>figure</b>'
caption: 'Zebrafinch signaling: <script>alert("x")</script> & "quotes" </li></ol><h1>injected</h1>'
pmcid: PMC999999
filename: 'hostile"f1.jpg'
year: '2021'
organisms: Homo sapiens
genes:
- word: STAT3
  symbol: STAT3
  source: hgnc_symbol
  hgnc_symbol: STAT3
  entrez: '6774'
---
"""


class LiveServer:
    """uvicorn serving `create_app(...)` in a thread, on a free loopback port."""

    def __init__(self, index_path: Path, **options) -> None:
        self.app = create_app(index_path, **options)
        # IPPROTO_TCP named, so asyncio sets TCP_NODELAY on its connections.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(server_config(self.app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()


@pytest.fixture(scope="module")
def live(sample_index_path):
    with LiveServer(sample_index_path) as server:
        yield server


@pytest.fixture(scope="module")
def client(live):
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def ix(sample_index_path):
    with FigureIndex.open(sample_index_path) as index:
        yield index


def _one_line_error(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "type", "status"} and body["status"] == status
    assert "\n" not in body["error"] and 0 < len(body["error"]) <= 300
    return body["error"]


# -- the API returns what the library returns -------------------------------------------------


def test_search_is_the_python_api_as_json(client, ix):
    body = client.get("/api/search", params={"q": "JAK STAT signaling", "organism": "human", "limit": 3}).json()
    expected = ix.search("JAK STAT signaling", limit=3, organism="human")
    assert body["hits"] == _dicts(expected)
    assert (body["total"], body["query"], body["parsed"]) == (expected.total, expected.query, expected.parsed)
    assert body["hits"][0]["figid"] == JAK_STAT and body["limit"] == 3 and body["offset"] == 0
    assert body["feedback"] == []


def test_search_with_feedback_is_the_python_api_with_feedback(client, ix):
    body = client.get("/api/search", params={"q": "apoptosis signaling pathway", "feedback": "true"}).json()
    expected = ix.search("apoptosis signaling pathway", feedback=True)
    assert body["hits"] == _dicts(expected) and body["feedback"] == expected.feedback != []


def test_search_pages_filters_facets_and_corrections(client, ix):
    page2 = client.get("/api/search", params={"q": "signaling", "limit": 5, "offset": 5, "year_from": 2010,
                                              "year_to": 2020, "facets": "true"}).json()
    expected = ix.search("signaling", limit=5, offset=5, years=(2010, 2020))
    assert [h["figid"] for h in page2["hits"]] == [h.figid for h in expected]
    assert page2["hits"][0]["rank"] == 6
    assert page2["facets"] == ix.facets("signaling", years=(2010, 2020)).to_dict()
    corrected = client.get("/api/search", params={"q": "apoptossis"}).json()
    assert corrected["corrected_from"] == "apoptossis" and corrected["query"] == "apoptosis"
    assert corrected["total"] > 0 and "apoptosis" in corrected["suggestions"]


def test_search_with_genes_and_gene_search(client, ix):
    both = client.get("/api/search", params={"q": "signaling", "genes": "STAT3,JAK1", "organism": "human",
                                             "facets": "true"}).json()
    assert both["hits"] == _dicts(ix.search("signaling", genes=["STAT3", "JAK1"], organism="human"))
    assert both["facets"] == ix.facets("signaling", genes=["STAT3", "JAK1"], organism="human").to_dict()
    assert [r["term"] for r in both["resolutions"]] == ["STAT3", "JAK1"]
    body = client.get("/api/genes", params={"terms": "STAT3 JAK1,NFkB", "limit": 4, "facets": "1"}).json()
    expected = ix.search_genes(["STAT3", "JAK1", "NFkB"], 4)
    assert body["hits"] == _dicts(expected) and body["population"] == expected.population
    assert body["resolutions"][2]["how"] == "alias" and "RELA" in body["resolutions"][2]["symbols"]
    assert body["facets"]["total"] == expected.total
    required = client.get("/api/genes", params={"terms": "TP53,MDM2,BAX", "require": "TP53", "all": "false",
                                                "organism": "human"}).json()
    assert required["hits"] == _dicts(ix.search_genes(["TP53", "MDM2", "BAX"], require=["TP53"], organism="human"))
    every = client.get("/api/genes", params={"terms": "STAT3,JAK1", "all": "true"}).json()
    assert every["hits"] and all({"STAT3", "JAK1"} <= set(h["overlap_genes"]) for h in every["hits"])


def test_resolve_figure_similar_stats_and_facets(client, ix):
    resolved = client.get("/api/resolve", params={"terms": "stat-5a,JAK,STTA5A,zzzzqq"}).json()
    assert resolved["resolutions"] == _dicts(ix.resolve(["stat-5a", "JAK", "STTA5A", "zzzzqq"]))
    record = client.get(f"/api/figures/{JAK_STAT}").json()
    assert {k: record[k] for k in ix.get(JAK_STAT).to_dict()} == _jsonable(ix.get(JAK_STAT).to_dict())
    assert record["pfocr_url"].endswith(f"/figures/{JAK_STAT}.html")
    assert record["thumbnail"] == "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7176449/bin/cm9-133-0959-g001.jpg"
    similar = client.get(f"/api/figures/{JAK_STAT}/similar", params={"limit": 3}).json()
    assert similar["hits"] == _dicts(ix.similar(JAK_STAT, 3))
    assert client.get("/api/stats", params={"top": 3}).json() == _jsonable(ix.stats(top=3).to_dict())
    facets = client.get("/api/facets", params={"q": "autophagy", "organism": "fly"}).json()
    assert facets == ix.facets("autophagy", organism="fly").to_dict()


def _jsonable(data):
    """Tuples as lists, as JSON has them."""
    return json.loads(json.dumps(data))


def _dicts(results) -> list:
    return _jsonable([hit.to_dict() for hit in results])


def test_downloads_are_the_clis_tsv_and_gmt(client, ix):
    tsv = client.get("/api/search.tsv", params={"q": "JAK STAT", "limit": 5})
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    assert "attachment" in tsv.headers["content-disposition"]
    rows = [line.split("\t") for line in tsv.text.splitlines()]
    assert tuple(rows[0]) == HIT_COLUMNS
    assert [r[1] for r in rows[1:]] == [h.figid for h in ix.search("JAK STAT", limit=5)] and len(rows) > 2
    gmt = client.get("/api/genes.gmt", params={"terms": "STAT3,JAK1", "limit": 3}).text.splitlines()
    assert gmt == [gmt_line(h.figid, h.figtitle, h.genes) for h in ix.search_genes(["STAT3", "JAK1"], 3)]
    assert client.get("/api/genes.tsv", params={"terms": "STAT3"}).text.startswith("rank\tfigid\toverlap")
    assert client.get("/api/search.gmt", params={"q": "JAK", "limit": 2000}).status_code == 200


# -- bad input: a clear 4xx, never a 500, and the server stays up -----------------------------


@pytest.mark.parametrize("path, params, status, words", [
    ("/api/search", {"q": "x" * 10_000}, 400, "too long"),
    ("/api/search", {"q": "x" * (MAX_QUERY + 1)}, 400, "too long"),
    ("/api/search", {}, 422, "missing parameter q"),
    ("/api/search", {"q": "   "}, 422, "missing parameter q"),
    ("/api/search", {"q": "jak", "limit": "lots"}, 422, "limit must be a whole number"),
    ("/api/search", {"q": "jak", "limit": "0"}, 422, "at least 1"),
    ("/api/search", {"q": "jak", "offset": "9" * 40}, 422, "at most"),  # had said "a whole number", as it is
    ("/api/search", {"q": "jak", "offset": "-" + "9" * 40}, 422, "at least 0"),
    ("/api/search", {"q": "jak", "offset": "-1"}, 422, "offset"),
    ("/api/search", {"q": "jak", "offset": "99999999"}, 422, "at most"),
    ("/api/search", {"q": "jak", "year_from": "2020", "year_to": "2010"}, 422, "after"),
    ("/api/search", {"q": "jak", "facets": "maybe"}, 422, "true or false"),
    ("/api/search", {"q": "jak", "organsim": "human"}, 422, "unknown parameter 'organsim'"),
    ("/api/search", {"q": "jak", "q\x00": "1"}, 422, "unknown parameter"),
    ("/api/search", {"q": "figtitel:x"}, 400, "figtitel"),  # a near miss; other words before a colon are text
    ("/api/search", {"q": "jak", "organism": "humna"}, 422, "did you mean 'human'"),
    ("/api/genes", {"terms": "STAT3", "organism": "humna"}, 422, "organism 'humna'"),
    ("/api/genes", {"terms": ",,, ;; ,"}, 422, "missing parameter terms"),
    ("/api/genes", {"terms": " ".join(["STAT3"] * (MAX_TERMS + 1))}, 400, f"at most {MAX_TERMS}"),
    ("/api/genes", {"terms": "STAT3\x00"}, 422, "NUL"),
    ("/api/resolve", {}, 422, "missing parameter terms"),
    ("/api/facets", {}, 400, "need a text query or genes"),
    ("/api/stats", {"top": "100000"}, 422, "at most"),
    ("/api/figures/no-such-figure", {}, 404, "no figure 'no-such-figure'"),
    ("/api/figures/..%2F..%2Fetc%2Fpasswd", {}, 404, "no such page"),
    ("/api/figures/a%5Cb", {}, 422, "not a figure id"),
    ("/api/figures/..", {}, 404, "no such page"),
    ("/api/figures/" + "x" * 400, {}, 422, "not a figure id"),
    (f"/api/figures/{JAK_STAT}", {"extra": "1"}, 422, "unknown parameter 'extra'"),
    ("/api/nothing-here", {}, 404, "no such page"),
])
def test_bad_input_gets_a_one_line_4xx(client, path, params, status, words):
    assert words in _one_line_error(client.get(path, params=params), status)


def test_a_huge_limit_is_capped_not_refused(client):
    for huge in (10**9, "9" * 40):  # however many digits (the second had been "not a whole number")
        body = client.get("/api/search", params={"q": "signaling", "limit": huge}).json()
        assert body["limit"] == MAX_LIMIT and len(body["hits"]) <= MAX_LIMIT
    for zeros in (30, 5_000):  # leading zeros are no digits of its size (5,000 had been an internal error)
        padded = client.get("/api/search", params={"q": "signaling", "limit": "0" * zeros + "3"})
        assert padded.status_code == 200 and padded.json()["limit"] == 3


@pytest.mark.parametrize("q", ['"unclosed', "((((((((((jak", "jak AND", "*", "?", "genes:", "year:[a TO b]",
                               "year:>abc", "caption:\"\"", "NOT", "a" * MAX_QUERY, "%00", "\\",
                               "<script>", "(" * 500,
                               "jak~~~9", "figid:../../etc", "日本語 ω κ", "OR OR OR"])
def test_odd_queries_never_take_the_server_down(client, q):
    response = client.get("/api/search", params={"q": q})
    assert client.get("/api/stats").status_code == 200  # still serving, on the same connection
    if response.status_code != 200:
        _one_line_error(response, 400)


def test_nothing_over_http_can_change_the_index(client):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.request(method, "/api/search", params={"q": "jak"})
        assert "read-only" in _one_line_error(response, 405)
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}


def test_security_headers_cors_and_host_checks(live, sample_index_path):
    plain = httpx.get(f"{live.url}/api/stats", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in plain.headers
    assert plain.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in plain.headers["content-security-policy"]
    # Typed in capitals, an origin still matches what browsers send (it had matched nothing).
    with LiveServer(sample_index_path, cors=["HTTPS://Example.ORG"], allowed_hosts=["127.0.0.1"]) as server:
        allowed = httpx.get(f"{server.url}/api/stats", headers={"Origin": "https://example.org"})
        assert allowed.headers["access-control-allow-origin"] == "https://example.org"
        other = httpx.get(f"{server.url}/api/stats", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        rebinding = httpx.get(f"{server.url}/api/stats", headers={"Host": "evil.example"})
        assert rebinding.status_code == 400


def test_openapi_document_and_docs_page(client):
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/search", "/api/genes", "/api/resolve", "/api/figures/{figid}", "/api/figures/{figid}/similar",
            "/api/stats", "/api/search.tsv", "/api/search.gmt", "/api/genes.tsv", "/api/genes.gmt",
            "/api/facets"} <= set(document["paths"])
    limit = next(p for p in document["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "limit")
    assert f"at most {MAX_LIMIT}" in limit["description"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/figures/{figid}/similar" in docs.text
    tried = client.get("/docs/try", params={"path": "/api/figures/{figid}", "figid": JAK_STAT, "q": ""})
    assert tried.status_code == 303 and tried.headers["location"] == f"/api/figures/{JAK_STAT}"


# -- the pages without a browser: server-rendered, escaped ------------------------------------


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, sample_dir):
    corpus = tmp_path_factory.mktemp("hostile") / "corpus"
    shutil.copytree(sample_dir, corpus, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    (corpus / "old" / f"{HOSTILE}.md").write_text(HOSTILE_RECORD, encoding="utf-8")
    index = corpus.parent / "index"
    FigureIndex.build([corpus], index).close()
    with LiveServer(index) as server:
        yield server


def test_pages_escape_everything_a_record_holds(hostile_server):
    for path in ("/?q=zebrafinch", f"/figures/{HOSTILE}", f"/figures/{JAK_STAT}"):
        page = httpx.get(hostile_server.url + path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        for raw in ("<script>alert", "<img src=x", "<b>figure</b>", "<h1>injected", 'hostile"f1'):
            assert raw not in html
    html = httpx.get(hostile_server.url + "/?q=zebrafinch").text
    assert "&lt;script&gt;alert(" in html and "<mark>" in html
    assert 'loading="lazy"' in html and 'alt="Figure: &lt;img src=x' in html


def test_search_page_works_without_javascript(client):
    page = client.get("/", params={"q": "JAK STAT signaling", "genes": "NFkB"})
    html = page.text
    assert page.status_code == 200 and '<label for="q">' in html and '<label for="genes">' in html
    assert "NFkB" in html and "alias" in html  # the resolution table
    assert re.search(r'href="/\?[^"]*organism=Homo\+sapiens', html)  # a facet as a plain link
    assert f'href="/figures/{JAK_STAT}"' in client.get("/", params={"q": "JAK STAT signaling"}).text
    corrected = client.get("/", params={"q": "apoptossis"}).text
    assert "No figures match" in corrected and "Did you mean" in corrected
    bad = client.get("/", params={"q": "x" * 5000})
    assert bad.status_code == 400 and "too long" in bad.text and "<form" in bad.text
    past = client.get("/", params={"q": "JAK STAT signaling", "page": "40"}).text
    total = client.get("/api/search", params={"q": "JAK STAT signaling"}).json()["total"]
    last = -(-total // 10)
    assert "page 40 of" not in past and f"page={last}\">go to page {last}</a>, the last" in past, past
    assert 'page=39"' not in past  # no link further past the end
    missing = client.get("/figures/" + quote("no such figure"))
    assert missing.status_code == 404 and "no figure" in missing.text


def test_the_api_filters_a_journal_by_its_title_or_its_nlm_abbreviation(client, ix):
    everything = sorted(h.figid for h in ix.search("*:*", journal="Pharmaceuticals", limit=100))
    assert len(everything) == 3
    for name in ("Pharmaceuticals", "Pharmaceuticals (Basel)"):
        body = client.get("/api/search", params={"q": "*:*", "journal": name, "limit": 10}).json()
        assert sorted(h["figid"] for h in body["hits"]) == everything, name
    facets = client.get("/api/facets", params={"q": "*:*", "top": 100}).json()
    assert ["Pharmaceuticals", 3] in facets["journals"]


def test_the_error_pages_did_you_mean_links_run_the_suggested_search(client):
    # "did you mean" on the error page was plain text to copy by hand.
    page = client.get("/", params={"q": "autophagy", "journal": "Fronteirs in Immunology", "year_from": "2010"})
    assert page.status_code == 422
    html = page.text
    href = re.search(r'<a href="([^"]+)">Frontiers in Immunology</a>', html)
    assert href, html
    assert "did you mean" not in html.split('role="alert">', 1)[1].split("</p>", 1)[0]  # offered once, as links
    followed = client.get(href.group(1).replace("&amp;", "&"))
    assert followed.status_code == 200, followed.text
    assert {k: followed.url.params[k] for k in ("q", "journal", "year_from")} == {
        "q": "autophagy", "journal": "Frontiers in Immunology", "year_from": "2010"}
    missing = client.get("/figures/" + quote(JAK_STAT.upper()))  # a figid in the wrong case
    assert missing.status_code == 404
    assert f'<a href="/figures/{JAK_STAT}">{JAK_STAT}</a>' in missing.text
    assert client.get(f"/figures/{JAK_STAT}").status_code == 200


# -- index updates while serving -------------------------------------------------------------


def test_requests_during_index_updates_all_succeed(tmp_path, corpus_copy):
    index = tmp_path / "index"
    FigureIndex.build([corpus_copy], index).close()
    paths = ["/api/search?q=signaling&limit=5", "/api/genes?terms=STAT3,JAK1", f"/api/figures/{JAK_STAT}",
             "/api/facets?q=pathway", "/?q=jak", f"/api/figures/{JAK_STAT}/similar"]
    failures: list[str] = []
    done = [0]
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            while not stop.is_set():
                for path in paths:
                    try:
                        response = c.get(path)
                    except httpx.HTTPError as exc:  # a dead thread would pass silently
                        failures.append(f"{path}: {exc!r}")
                        return
                    done[0] += 1
                    if response.status_code != 200:
                        failures.append(f"{path}: {response.status_code} {response.text[:200]}")

    def reindex(*extra: str) -> None:
        run = subprocess.run([sys.executable, "-m", "pfocr_search.cli", "index", str(corpus_copy), "--index",
                              str(index), "--quiet", *extra], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr

    with LiveServer(index) as server:
        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            assert httpx.get(f"{server.url}/api/figures/{HOSTILE}").status_code == 404
            (corpus_copy / "old" / f"{HOSTILE}.md").write_text(HOSTILE_RECORD, encoding="utf-8")
            before = done[0]
            reindex()
            assert httpx.get(f"{server.url}/api/figures/{HOSTILE}").status_code == 200
            (corpus_copy / "old" / f"{HOSTILE}.md").unlink()
            reindex("--rebuild")
            assert httpx.get(f"{server.url}/api/figures/{HOSTILE}").status_code == 404
        finally:
            stop.set()
            for t in threads:
                t.join(60)
    assert failures == []
    assert done[0] > before  # requests really ran while the index switched


# -- the command -------------------------------------------------------------------------------


def _start_command(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pfocr_search.serve.command", *args, "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_serve_command_serves_and_stops_on_ctrl_c(sample_index_path):
    proc = _start_command("--index", str(sample_index_path), "--port", "0")
    try:
        ready, _, _ = select.select([proc.stderr], [], [], 30)
        assert ready, "serve printed nothing"
        line = proc.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line
        assert httpx.get(url.group(0) + "api/stats").json()["records"] == 50
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) in (0, 130)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_serve_command_fails_in_one_line(tmp_path, sample_index_path):
    missing = _start_command("--index", str(tmp_path / "nothing"))
    _, err = missing.communicate(timeout=30)
    assert missing.returncode == 2 and err.count("\n") == 1 and err.startswith("error: ")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = _start_command("--index", str(sample_index_path), "--port", str(busy.getsockname()[1]))
        _, err = taken.communicate(timeout=30)
    assert taken.returncode == 2 and err.startswith("error: cannot listen on 127.0.0.1:") and err.count("\n") == 1
    # An origin that is none (a typo, a path after it) had been taken and matched no page, silently.
    for bad in ("not a url", "http://localhost:3000/app"):
        origin = _start_command("--index", str(sample_index_path), "--cors", bad)
        _, err = origin.communicate(timeout=30)
        assert origin.returncode == 2 and err.count("\n") == 1 and "is not an origin" in err


def test_the_command_imports_no_web_stack_and_registers_with_typer():
    probe = "import sys, pfocr_search.serve.command as c; print(any(m.split('.')[0] in ('starlette', 'uvicorn', " \
            "'jinja2') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"
    import typer
    from typer.testing import CliRunner

    from pfocr_search.serve.command import serve

    app = typer.Typer()
    app.command()(serve)
    app.command("other")(lambda: None)  # two commands: `serve` is a subcommand, as in the real CLI
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--cors" in result.output and "--port" in result.output


def test_the_benchmark_runs(tmp_path):
    bench = Path(__file__).resolve().parent.parent / "bench" / "serve.py"
    run = subprocess.run([sys.executable, str(bench), "--n", "200", "--requests", "40", "--clients", "1,2",
                          "--work", str(tmp_path), "--no-write"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]  # 1 if any request failed
    assert re.search(r"^\| 2 \| [\d.,]+ \|", run.stdout, re.M)


# -- the page in a real browser ----------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    """Debian's Chromium (Playwright's own browser download is not used)."""
    for path in (os.environ.get("PFOCR_SEARCH_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if path and os.path.exists(path):
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install '.[test]'")
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium to drive: apt-get install chromium (or set PFOCR_SEARCH_CHROMIUM)")
    with sync_api.sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - any failure to start means: no browser here
            pytest.skip(f"Chromium at {executable} does not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where the run saves its screenshots: $PFOCR_SEARCH_SCREENSHOTS, else a temporary folder."""
    folder = Path(os.environ.get("PFOCR_SEARCH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _offline_page(browser, live, **options):
    """A page that may reach this server only, as in tests without a network:
    PMC's thumbnails fail, as they do offline."""
    context = browser.new_context(**options)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live.url)
                  else route.abort("internetdisconnected"))
    return context, context.new_page()


def _check_accessible(page) -> None:
    assert page.evaluate("document.documentElement.lang") == "en"
    unlabelled = page.evaluate("""Array.from(document.querySelectorAll('input:not([type=hidden]), select'))
        .filter(e => !e.labels || e.labels.length === 0).map(e => e.name)""")
    assert unlabelled == []
    assert page.evaluate("Array.from(document.images).every(i => i.hasAttribute('alt'))")


def test_the_page_in_a_browser(browser, live, client, screenshots):
    context, page = _offline_page(browser, live, viewport={"width": 1280, "height": 900})
    page.goto(live.url + "/")
    _check_accessible(page)
    page.keyboard.press("/")  # the enhancement: "/" jumps to the words box
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("signaling")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "genes"
    page.keyboard.type("STAT3, NFkB")
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.hits li.hit")
    expected = client.get("/api/search", params={"q": "signaling", "genes": "STAT3,NFkB"}).json()
    titles = page.locator("li.hit h3").all_inner_texts()
    assert titles == [h["figtitle"] or h["figid"] for h in expected["hits"]]  # ranked as the API ranks
    assert page.locator("table.resolutions").inner_text().count("alias") >= 1  # NFkB -> NFKB1, RELA, ... [alias]
    assert page.locator("li.hit .matched .gene").count() > 0
    page.wait_for_selector(".thumb.broken .fallback")  # offline: the title stands in for the picture
    _check_accessible(page)

    facet = page.locator("aside.facets li", has_text="Homo sapiens")
    count = int(facet.locator(".n").inner_text())
    facet.locator("a").click()
    page.wait_for_url(re.compile(r"organism=Homo\+sapiens"))
    page.wait_for_selector("ul.active-filters")
    filtered = client.get("/api/search", params={"q": "signaling", "genes": "STAT3,NFkB",
                                                 "organism": "Homo sapiens"}).json()
    assert page.locator("li.hit h3").all_inner_texts() == [h["figtitle"] or h["figid"] for h in filtered["hits"]]
    assert filtered["total"] == count and page.locator("h1.count").inner_text().startswith(f"{count} figure")
    page.wait_for_timeout(200)
    page.screenshot(path=str(screenshots / "serve.png"))

    first = page.locator("li.hit h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_selector("article.figure h1")
    assert page.locator("article.figure h1").inner_text() == title
    assert page.locator("a", has_text="PFOCR page").first.get_attribute("href").startswith(
        "https://pfocr.wikipathways.org/figures/")
    assert page.locator("section.similar li.hit").count() > 0
    _check_accessible(page)
    page.screenshot(path=str(screenshots / "serve-figure.png"), full_page=True)
    context.close()
    assert (screenshots / "serve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_page_without_javascript_on_a_phone(browser, live, screenshots):
    context, page = _offline_page(browser, live, java_script_enabled=False, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page.goto(live.url + "/")
    page.fill("#q", "JAK STAT signaling")
    page.press("#q", "Enter")
    page.wait_for_selector("ol.hits li.hit")
    # Until its stylesheet has loaded the page is laid out unstyled (539 px wide): measure the styled page.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.locator("aside.facets a", has_text="2020s").click()
    page.wait_for_url(re.compile(r"year_from=2020&year_to=2029"))
    years = page.locator("li.hit .meta span").first.all_inner_texts()
    assert years and all(2020 <= int(y) <= 2029 for y in years)
    page.screenshot(path=str(screenshots / "serve-phone.png"), full_page=True)
    page.locator("li.hit h3 a").first.click()
    page.wait_for_selector("section.similar")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_a_long_request_that_arrives_in_pieces_reaches_the_api(live):
    # A gene list near its documented length (MAX_QUERY * 5 characters),
    # percent-encoded, is 60 KB of URL.  Arriving in pieces (a loaded machine,
    # a slow network), h11 had refused a head over 16 KiB unfinished with its
    # own bare text/plain 400, where the API answers in JSON.
    genes = ",".join(["õ" * 99] * MAX_TERMS)
    assert len(genes) <= MAX_QUERY * 5
    host, port = live.url.removeprefix("http://").split(":")
    head = (f"GET /api/search?{urlencode({'q': 'STAT3', 'genes': genes})} HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(head[:20_000])
        time.sleep(0.3)
        conn.sendall(head[20_000:])
        answer = b"".join(iter(lambda: conn.recv(65536), b""))
    status, _, rest = answer.partition(b"\r\n")
    assert status.split()[1] == b"200", answer[:300]
    assert b"content-type: application/json" in rest.lower()
