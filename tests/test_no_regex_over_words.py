"""No module of the web layer reads English back into meaning: findings carry codes,
and the words come from the catalogue. The only regular expressions left in web/ are over
things that are not reasons: a download's file name, and the report of the `wrk` benchmark
tool."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_OVER_REASONS = {"web/plumbing/file_names.py",  # makes a file name safe
                    "web/plumbing/finding_words.py",  # hides Python object reprs in technical details
                    "tools/bench_api.py"}  # reads the wrk load generator's report


def _uses_regex(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name in ("re", "regex") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module in ("re", "regex"):
            return True
    return False


def test_no_web_module_matches_words_with_a_regular_expression():
    found = {str(path.relative_to(ROOT)) for path in sorted((ROOT / "web").rglob("*.py"))
             if _uses_regex(path)}
    assert found - NOT_OVER_REASONS == set()


def test_the_issuer_words_have_no_patterns_and_nothing_parses_line_numbers():
    from web.officer import words

    assert not hasattr(words, "PATTERNS")
    for path in [*(ROOT / "web").rglob("*.py"), *(ROOT / "issuer").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert ".split()[1]" not in text and 'split(":")[0]' not in text, path
