"""The house's shape (issue 11): data flows files -> ingest -> graph -> qa_service, no module imports
one that imports it back (directly or round a loop), and no module grows past 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

from graph.settings import PROJECT_ROOT

PACKAGES = ("graph", "ingest", "qa_service")
LAYER = {"graph": 0, "ingest": 1, "qa_service": 2}  # a package may import only from its own layer or below
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for top in PACKAGES:
        for path in sorted((PROJECT_ROOT / top).rglob("*.py")):
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """Project modules `name` imports anywhere in its body (lazy imports count too)."""
    found = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def test_data_flows_one_way():
    wrong = [f"{a} -> {b}" for a, deps in _graph().items() for b in deps
             if LAYER[b.split(".")[0]] > LAYER[a.split(".")[0]]]
    assert not wrong, "imports against the flow files -> ingest -> graph -> qa_service:\n" + "\n".join(wrong)


def test_no_import_circles():
    graph = _graph()
    circles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                circles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_the_checker_sees_a_circle(tmp_path, monkeypatch):
    """The circle test can fail: two modules importing each other are found."""
    pkg = tmp_path / "graph"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from graph import b\n")
    (pkg / "b.py").write_text("def f():\n    from graph.a import x\n")
    modules = {"graph": pkg / "__init__.py", "graph.a": pkg / "a.py", "graph.b": pkg / "b.py"}
    assert _imports(pkg / "a.py", "graph.a", modules) == {"graph.b"}
    assert _imports(pkg / "b.py", "graph.b", modules) == {"graph.a"}


def test_no_module_over_400_lines():
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by job): {long}"
