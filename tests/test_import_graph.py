"""The house's import rules, read from the source (ARCHITECTURE.md, Layers):
- imports point down the layers: schemas/ imports nothing of ours, vc/ only itself,
  issuer/ verifier/ registry/ only themselves, vc/ and schemas/ (never each other), web/ anything;
- no import loops: no module reaches another that, directly or through others, reaches it back;
- no function-local imports, except a heavy optional import deferred on purpose, which says so
  in a comment ("deferred on purpose") on its line or right above it."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("vc", "issuer", "verifier", "registry", "schemas", "web")
MAY_IMPORT = {
    "schemas": {"schemas"},
    "vc": {"vc"},
    "issuer": {"issuer", "vc", "schemas"},
    "verifier": {"verifier", "vc", "schemas"},
    "registry": {"registry", "vc", "schemas"},
    "web": set(PACKAGES),
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "node_modules" in rel.parts or "migrations" in rel.parts:
                continue
            found[".".join(rel.with_suffix("").parts).removesuffix(".__init__")] = path
    return found


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(tree: ast.Module) -> list[tuple[ast.stmt, str]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node, f"{node.module}.{alias.name}") for alias in node.names]
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, tree in TREES.items():
        for _, target in _imports(tree):
            found = _resolve(target)
            if found and found != name:
                graph[name].add(found)
    return graph


def test_imports_point_down_the_layers() -> None:
    wrong = [f"{name} imports {target}" for name, targets in _graph().items()
             for target in targets
             if target.split(".")[0] not in MAY_IMPORT[name.split(".")[0]]]
    assert wrong == []


def test_no_module_reaches_itself_back() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert loops == []


def _said_deferred(lines: list[str], first: int, end: int) -> bool:
    """The import's own lines, or the comments and imports (one block) right above it, say why."""
    start = first
    while start > 0 and (not lines[start - 1].strip()
                         or lines[start - 1].strip().startswith(("#", "import ", "from "))):
        start -= 1
    return any("deferred on purpose" in line for line in lines[start:end])


def test_imports_sit_at_module_level_unless_deferred_on_purpose() -> None:
    hidden = []
    for name, tree in TREES.items():
        lines = MODULES[name].read_text(encoding="utf-8").splitlines()
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom) and not _said_deferred(
                        lines, node.lineno - 1, node.end_lineno or node.lineno):
                    hidden.append(f"{MODULES[name].relative_to(ROOT)}:{node.lineno}")
    assert hidden == []
