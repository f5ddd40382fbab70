"""The package's shape: Whoosh's private members behind one wall, no import
cycles, one concept per module, and a README that names every module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import tomllib

import pfocr_search
from pfocr_search.engine import whoosh_internals
from pfocr_search.errors import EngineError

PACKAGE = Path(pfocr_search.__file__).parent
ROOT = PACKAGE.parent
WALL = PACKAGE / "engine" / "whoosh_internals"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "sample" not in p.parts and "index_config" not in p.parts)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _whoosh_classes(tree: ast.Module) -> set[str]:
    """Names a module binds to Whoosh objects by importing them."""
    return {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("whoosh") for alias in node.names}


def private_uses(path: Path) -> list[str]:
    """`obj._name` on anything but self/cls, self._name inside a subclass of a
    Whoosh class, and private names imported from Whoosh."""
    tree = ast.parse(path.read_text("utf-8"))
    whoosh_names = _whoosh_classes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            found += [f"from {node.module} import {a.name}" for a in node.names if a.name.startswith("_")]
        if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in whoosh_names
                                                  for b in node.bases):
            found += [f"{node.name}: self.{n.attr}" for n in ast.walk(node) if isinstance(n, ast.Attribute)
                      and _private(n.attr) and isinstance(n.value, ast.Name) and n.value.id == "self"]
        if isinstance(node, ast.Attribute) and _private(node.attr) and not (
                isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_whoosh_private_members_are_used_in_one_module_only():
    offenders = {str(p.relative_to(ROOT)): private_uses(p) for p in MODULES if WALL not in p.parents}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert all(private_uses(p) for p in WALL.glob("*.py"))  # the wall's modules do use them


def test_the_wall_names_the_whoosh_version_when_a_member_is_gone(monkeypatch):
    whoosh_internals.check()  # the installed Whoosh has everything
    monkeypatch.setattr(whoosh_internals, "_METHODS",
                        (*whoosh_internals._METHODS, (whoosh_internals.W3LeafMatcher, "_renamed_in_a_release")))
    with pytest.raises(EngineError) as info:
        whoosh_internals.check()
    message = str(info.value)
    assert "\n" not in message and f"whoosh-reloaded {whoosh_internals.VERSION}" in message
    assert "W3LeafMatcher._renamed_in_a_release" in message


def test_the_wheel_lists_every_package_of_the_source_tree():
    # pip install . ships only the packages pyproject.toml names: one left out
    # imports from the source tree in tests and fails for every installed user.
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {_module_name(p) for p in MODULES if p.name == "__init__.py"}
    assert found <= listed, sorted(found - listed)


def test_the_whoosh_pin_is_the_tested_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    pins = [d for d in project["dependencies"] if d.startswith("whoosh-reloaded")]
    assert pins == [f"whoosh-reloaded=={v}" for v in whoosh_internals.TESTED]
    assert whoosh_internals.VERSION in whoosh_internals.TESTED


def _imports(path: Path) -> set[str]:
    """Modules of this package that `path` imports (TYPE_CHECKING imports included)."""
    tree = ast.parse(path.read_text("utf-8"))
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:
                out.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in _NAMES else target)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pfocr_search"):
            out.add(node.module)
    return {m for m in out if m in _NAMES}


_NAMES = {_module_name(p) for p in MODULES}


def test_no_import_cycles():
    graph = {_module_name(p): _imports(p) - {_module_name(p)} for p in MODULES}
    # Importing a submodule runs its package's __init__: count that edge too.
    for name in list(graph):
        parent = name.rsplit(".", 1)[0]
        if parent in graph and parent != name:
            graph[name].add(parent)
    graph["pfocr_search"] -= set(graph)  # its lazy exports are imported on first use, not at import
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path[path.index(nxt):], nxt]))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_modules_are_small_and_the_readme_lists_each_with_its_concept():
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme[readme.index("## Layout of the code"):]
    rows = dict(re.findall(r"^\| `([\w/]+(?:\.py|/))` \| (.+?) \|$", table, re.M))
    expected = {str(p.relative_to(PACKAGE)) for p in MODULES if p.name != "__init__.py"}
    expected |= {f"{p.parent.relative_to(PACKAGE)}/" for p in MODULES if p.name == "__init__.py" and p.parent != PACKAGE}
    assert set(rows) == expected, "README's layout table and the package differ"
    for path in MODULES:
        assert len(path.read_text("utf-8").splitlines()) <= 400, f"{path.relative_to(PACKAGE)} is over 400 lines"
