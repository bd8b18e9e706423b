"""The house rules that keep the code readable, checked on every run (STYLE.md)."""

import ast
from pathlib import Path

HAVEN = Path(__file__).resolve().parents[1]
MAX_VIEW_LINES = 40
MAX_MODULE_LINES = 600


def _modules():
    for path in sorted(HAVEN.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _is_view_module(path: Path) -> bool:
    return path.name in ("views.py", "api.py") or path.name.endswith("_views.py")


def long_functions(source: str, limit: int) -> list[tuple[str, int]]:
    """(name, lines) of every function in `source` longer than `limit`, decorators excluded."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > limit:
                found.append((node.name, lines))
    return found


def test_the_walk_finds_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(41))
    assert long_functions(f"@decorated\ndef view(request):\n{body}\n", 40) == [("view", 42)]
    assert long_functions("def view(request):\n    return 1\n", 40) == []


def test_no_view_is_over_40_lines():
    views = [path for path in _modules() if _is_view_module(path)]
    assert len(views) > 10  # the walk found the views
    too_long = [
        f"{path.relative_to(HAVEN)}:{name} ({lines} lines)"
        for path in views
        for name, lines in long_functions(path.read_text(), MAX_VIEW_LINES)
    ]
    assert too_long == []


def test_no_module_is_over_600_lines():
    too_long = [
        f"{path.relative_to(HAVEN)} ({lines} lines)"
        for path in _modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert too_long == []
