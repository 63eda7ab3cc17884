"""The layout's rules, read from the code itself (imports parsed, no application started): services in domain
packages whose imports point down, no query in a view or the API, the API importing no view, one name per imported
module, small modules and functions."""
import ast
from collections import defaultdict
from pathlib import Path

import pytest

from app.services import LAYERS

ROOT = Path(__file__).resolve().parents[1]
HAND_WRITTEN = ("app", "models", "forms", "bench")


def _modules(*tops: str):
    for top in tops:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "vendor" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _imported(tree) -> set[str]:
    """Every module a file imports from (and `module.name`, which may itself be a module)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _layer(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["app", "services"] and parts[2] in LAYERS else None


def test_every_service_lives_in_a_domain_package():
    loose = [p.name for p in (ROOT / "app" / "services").glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    packages = sorted(p.name for p in (ROOT / "app" / "services").iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(LAYERS)
    for name in packages:
        doc = ast.get_docstring(ast.parse((ROOT / "app" / "services" / name / "__init__.py").read_text()))
        assert doc and "mport" in doc, f"{name}: say what it owns and what it may import"


def test_service_imports_point_down_and_never_up_to_a_page():
    wrong = []
    for path, tree in _modules("app/services"):
        own = path.relative_to(ROOT / "app" / "services").parts[0]
        for target in _imported(tree):
            layer = _layer(target)
            if layer and LAYERS.index(layer) > LAYERS.index(own):
                wrong.append(f"{path.relative_to(ROOT)} imports {target} (above {own})")
            if target.startswith(("app.views", "app.api", "app.template_context", "app.seed")):
                wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert wrong == []


#: What building a query looks like; views and the API call a service instead.
QUERY_CALLS = {"select", "execute", "scalars", "scalar", "query", "get_or_404", "first_or_404"}


@pytest.mark.parametrize("top", ["app/views", "app/api"])
def test_no_view_or_api_module_builds_a_query(top):
    found = []
    for path, tree in _modules(top):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERY_CALLS:
                base = ast.unparse(node.func.value)
                if base in ("sa", "sqlalchemy", "db.session", "db", "session") or base.endswith(".query"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node.func)}")
    assert found == []


def test_the_api_imports_no_view():
    found = [f"{path.relative_to(ROOT)} imports {t}" for path, tree in _modules("app/api")
             for t in _imported(tree) if t.startswith("app.views")]
    assert found == []


def test_each_module_is_imported_under_one_name():
    """`from app.services.registry import states as state_service` everywhere, never `states` here and
    `state_service` there: one name to search for."""
    names = defaultdict(set)
    for _path, tree in _modules("app", "tests", "bench"):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(("app", "forms")):
                for alias in node.names:
                    dotted = f"{node.module}.{alias.name}"
                    if (ROOT / (dotted.replace(".", "/") + ".py")).exists():
                        names[dotted].add(alias.asname or alias.name)
    several = {module: sorted(bound) for module, bound in names.items() if len(bound) > 1}
    assert several == {}


def test_no_hand_written_module_or_function_is_too_long():
    too_long = []
    for path, tree in _modules(*HAND_WRITTEN):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > 400:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno >= 60:
                too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: "
                                f"{node.end_lineno - node.lineno + 1} lines")
    assert too_long == []
