"""The house rules, read from the sources (ast): which package may import which, and where the
Vietnamese sentences live. Each checker is also run on a small made-up tree with one violation, so a
checker that stopped seeing anything would fail here too."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

from tests.conftest import REPO

PROJECT = ("app", "bot", "handlers", "reports", "storage", "texts", "webview")

# package (or module path prefix) → the project packages it must not import
FORBIDDEN = {
    "bot": ("app", "handlers", "reports", "webview"),  # the engine, the form runtime, the channels
    "storage": ("app", "bot", "handlers", "reports", "texts", "webview"),  # the bottom layer
    "reports": ("app", "bot", "handlers", "webview"),
    "handlers": ("app", "webview"),
    # the managers' web view, beside handlers/: what it needs of the forms and the engine, app/ gives it
    "webview": ("app", "bot", "handlers"),
    "texts": ("app", "bot", "handlers", "reports", "storage", "webview"),  # the sentences: plain data
}

# Where Vietnamese may be written outside texts/, and why.
VIETNAMESE_ALLOWED = {
    "reports/demo.py": "the model month's sample records (names of facilities, people), data not sentences",
}


# The longest a module of handlers/ or bot/ may be (issue 9): past it, split along a seam a newcomer finds.
MAX_LINES = 450
SIZE_CHECKED = ("bot", "handlers", "webview")
# Modules let over the limit while they are being split, and why; each must still be over it.
TOO_LONG_FOR_NOW: dict[str, str] = {}


# --- the checkers ------------------------------------------------------------------------------------


def _modules(root: Path, package: str):
    for path in sorted((root / package).rglob("*.py")):
        yield path.relative_to(root).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _imported(tree: ast.AST) -> set[str]:
    """Top-level project packages a module imports, wherever the import statement stands."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(PROJECT)


def import_violations(root: Path, rules: dict[str, tuple[str, ...]] = FORBIDDEN) -> list[str]:
    out = []
    for package, forbidden in rules.items():
        for name, tree in _modules(root, package):
            out += [f"{name} imports {bad}" for bad in sorted(_imported(tree) & set(forbidden))]
    return out


def _local_imports(tree: ast.AST, package: str) -> set[str]:
    """Modules of `package` a module imports ("handlers.capture"), wherever the import stands."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == package:
            found |= {f"{package}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(package + "."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith(package + ".")}
    return found


def import_cycles(root: Path, package: str = "handlers") -> list[list[str]]:
    """Circles of imports among one package's modules (each found once, from its smallest name)."""
    graph = {name.removesuffix(".py").replace("/", "."): _local_imports(tree, package)
             for name, tree in _modules(root, package)}
    cycles = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                cycles.append(path)
            elif nxt not in path and nxt > start:
                walk(start, nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return cycles


_VIETNAMESE_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")


def is_vietnamese(text: str) -> bool:
    """Letters with Vietnamese diacritics (ă â đ ê ô ơ ư, or a vowel with a tone mark)."""
    for ch in text:
        if ch in _VIETNAMESE_LETTERS:
            return True
        parts = unicodedata.normalize("NFD", ch)
        if len(parts) > 1 and parts[0].isascii() and parts[0].isalpha():
            return True
    return False


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


NOT_A_SENTENCE = "# not a sentence"  # on the line of a literal that is data (a letter to fold, a unit)


def stray_vietnamese(root: Path, packages=("app", "bot", "handlers", "reports", "storage", "webview"),
                     allowed=VIETNAMESE_ALLOWED) -> list[str]:
    """String literals (f-strings' fixed parts too) with Vietnamese in them, outside texts/; docstrings,
    comments and lines marked NOT_A_SENTENCE aside."""
    out = []
    for package in packages:
        for name, tree in _modules(root, package):
            if name in allowed:
                continue
            skip, lines = _docstrings(tree), (root / name).read_text(encoding="utf-8").splitlines()
            out += [
                f"{name}:{node.lineno}: {node.value[:60]!r}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in skip and is_vietnamese(node.value) and NOT_A_SENTENCE not in lines[node.lineno - 1]
            ]
    return out


def template_words(root: Path, folder: str = "webview/templates") -> list[str]:
    """Lines of the web view's templates with Vietnamese in them: their words come from texts/web.py
    (`{{ t.NAME }}`), so a template holds none — tags, markup and names only."""
    return [f"{path.relative_to(root).as_posix()}:{n}: {line.strip()[:60]!r}"
            for path in sorted((root / folder).rglob("*.html"))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if is_vietnamese(line)]


def too_long(root: Path, packages=SIZE_CHECKED, limit: int = MAX_LINES) -> list[str]:
    """Modules of the packages longer than the limit, with their length."""
    out = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                out.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return out


def engine_privates(root: Path, packages=("app", "handlers", "reports", "webview")) -> list[str]:
    """Uses of the engine's private names (`app.engine._queue`, `engine._fresh`) outside bot/: what the
    rest of the app needs of the engine is a public method of bot/engine.py's Engine."""
    out = []
    for package in packages:
        for name, tree in _modules(root, package):
            out += [f"{name}:{node.lineno}: engine.{node.attr}" for node in ast.walk(tree)
                    if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and (getattr(node.value, "attr", None) == "engine" or getattr(node.value, "id", None) == "engine")]
    return out


def _catalogue_tables(catalogue) -> dict[str, frozenset[str]]:
    """Each table of the catalogue by its keys and by its labels (a kind's criteria too)."""
    tables = {}
    for name in ("facility_kinds", "calibration_fields", "licence_kinds", "activity_kinds"):
        entries = getattr(catalogue, name)
        tables[f"{name} (keys)"] = frozenset(e.key for e in entries)
        tables[f"{name} (labels)"] = frozenset(e.label for e in entries)
    for kind in catalogue.facility_kinds:
        tables[f"{kind.key} criteria (keys)"] = frozenset(c.key for c in kind.criteria)
        tables[f"{kind.key} criteria (labels)"] = frozenset(c.label for c in kind.criteria)
    return {name: values for name, values in tables.items() if len(values) >= 2}


def catalogue_copies(root: Path, catalogue) -> list[str]:
    """Literal lists, tuples, sets (and dicts' keys) in tests/ that hold a whole table of the catalogue:
    a copy of today's list, which a department's added entry would break. Unpacked names
    (`XQ, NVBX = …`: two expected phrases) are not a list."""
    tables, out = _catalogue_tables(catalogue), []
    for path in sorted((root / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        unpacked = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Tuple)}
        for node in ast.walk(tree):
            items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
            if not isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict) or id(node) in unpacked:
                continue
            texts_ = {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
            out += [f"{path.relative_to(root).as_posix()}:{node.lineno}: {name}"
                    for name, values in tables.items() if values <= texts_]  # fmt: skip
    return out


# --- the rules, on this repository ---------------------------------------------------------------------


def test_layers_import_only_downwards():
    assert import_violations(REPO) == []


def test_no_import_circle_in_handlers():
    assert import_cycles(REPO) == []


def test_no_vietnamese_sentence_outside_the_texts_package():
    assert stray_vietnamese(REPO) == []


def test_no_words_in_the_web_view_templates():
    assert template_words(REPO) == []
    assert len(list((REPO / "webview/templates").glob("*.html"))) >= 3  # the checker reads the real folder


def test_no_test_copies_a_table_of_the_catalogue():
    """The guide's rule: tests take kinds, fields and criteria from the loaded catalogue, never from a
    copy of today's lists."""
    from bot.config import load_config

    assert catalogue_copies(REPO, load_config(REPO / "config.toml", env={}).catalogue) == []


def test_nothing_outside_bot_uses_a_private_name_of_the_engine():
    assert engine_privates(REPO) == []


def test_every_allowed_exception_still_exists():
    assert all((REPO / name).is_file() for name in VIETNAMESE_ALLOWED)


def test_no_module_of_handlers_or_bot_is_over_the_limit():
    assert [line for line in too_long(REPO) if line.split(":")[0] not in TOO_LONG_FOR_NOW] == []


def test_every_module_let_through_is_still_over_the_limit():
    """Once it is split, its line in TOO_LONG_FOR_NOW goes."""
    over = {line.split(":")[0] for line in too_long(REPO)}
    assert sorted(set(TOO_LONG_FOR_NOW) - over) == []


# --- the checkers catch what they are meant to ---------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for package in PROJECT:
        (tmp_path / package).mkdir(exist_ok=True)
    return tmp_path


def test_the_import_checker_sees_a_forbidden_import_even_deferred(tmp_path):
    root = _tree(tmp_path, {
        "bot/engine.py": "import asyncio\nfrom bot import messages\n",
        "bot/flow.py": "def f():\n    from handlers import mine\n",
        "storage/db.py": "import bot.config\n",
        "texts/capture.py": "from reports.periods import Period\n",
        "handlers/mine.py": "from storage import records\nfrom bot.form import Flow\n",
    })
    assert import_violations(root) == [
        "bot/flow.py imports handlers", "storage/db.py imports bot", "texts/capture.py imports reports",
    ]


def test_the_circle_checker_sees_a_deferred_circle(tmp_path):
    root = _tree(tmp_path, {
        "handlers/capture.py": "from bot.form import Flow\n\ndef f():\n    from handlers import mine\n",
        "handlers/mine.py": "from handlers import calibration\n",
        "handlers/calibration.py": "from handlers.capture import store_record\nimport handlers.notes\n",
        "handlers/notes.py": "import texts\n",
    })
    assert import_cycles(root) == [["handlers.calibration", "handlers.capture", "handlers.mine"]]


def test_the_text_checker_sees_a_stray_sentence_and_spares_docstrings(tmp_path):
    root = _tree(tmp_path, {
        "handlers/plan.py": (
            '"""Kế hoạch: a docstring may say it."""\n'
            "# Kế hoạch in a comment is fine too\n"
            "def f(n):\n"
            '    """Trả lời: also a docstring."""\n'
            '    return f"Đã lưu {n} kế hoạch"\n'
        ),
        "bot/flow.py": 'KEY = "plan"\nLABEL = "Ke hoach"\nFOLD = {"đ": "d"}  # not a sentence\n',
        "reports/demo.py": 'NAME = "Cửa hàng xăng dầu Số 1"\n',
    })
    assert stray_vietnamese(root) == ["handlers/plan.py:5: 'Đã lưu '", "handlers/plan.py:5: ' kế hoạch'"]
    assert is_vietnamese("Hủy") and is_vietnamese("đ") and not is_vietnamese("Huy") and not is_vietnamese("→ 2 €")


def test_a_sentence_planted_in_the_template_builder_is_caught(tmp_path):
    """The Word template's builder lays out texts.report_template's words and has no exception of its
    own: a heading written back into it (as the builder once held them all) is a stray sentence."""
    source = (REPO / "reports" / "make_template.py").read_text(encoding="utf-8")
    clean = _tree(tmp_path / "clean", {"reports/make_template.py": source})
    assert stray_vietnamese(clean) == []
    planted = source.replace('_heading(doc, H1("A.I"))', '_heading(doc, "{{ n.h1() }}. Xây dựng cơ chế, chính sách")')
    assert planted != source
    root = _tree(tmp_path / "planted", {"reports/make_template.py": planted})
    [found] = stray_vietnamese(root)
    assert found.startswith("reports/make_template.py:") and "Xây dựng cơ chế" in found


def test_the_engine_checker_sees_a_private_name_reached_for(tmp_path):
    root = _tree(tmp_path, {
        "app/web_view.py": "def f(app, s):\n    return app.engine._queue, app.engine.queue_in, app._private\n",
        "handlers/notify.py": "async def g(engine):\n    await engine._send_step()\n    return engine.__class__\n",
        "bot/supervisor.py": "def h(engine):\n    return engine._fresh\n",  # bot/ is the engine's own package
    })
    assert engine_privates(root) == ["app/web_view.py:2: engine._queue", "handlers/notify.py:2: engine._send_step"]


def test_the_template_checker_sees_a_word_written_in_a_template(tmp_path):
    root = _tree(tmp_path, {
        "webview/templates/base.html": "<h1>{{ t.SITE }}</h1>\n<p>{{ heading }}</p>\n",
        "webview/templates/records.html": "<th>{{ t.KIND }}</th>\n<th>Ngày</th>\n",
    })
    assert template_words(root) == ["webview/templates/records.html:2: '<th>Ngày</th>'"]


def test_the_copy_checker_sees_a_copied_list_of_kinds(tmp_path):
    from bot.config import load_config

    catalogue = load_config(REPO / "config.toml", env={}).catalogue
    keys = [k.key for k in catalogue.facility_kinds]
    fields = {f.label: 1 for f in catalogue.calibration_fields}
    names = ", ".join(f"K{i}" for i in range(len(keys)))  # named one by one: not a list
    root = _tree(tmp_path, {
        "tests/test_kinds.py": f"KINDS = {keys!r}\nFIELDS = {fields!r}\nSOME = {keys[:1]!r}\n{names} = {tuple(keys)!r}\n",
    })
    assert catalogue_copies(root, catalogue) == [
        "tests/test_kinds.py:1: facility_kinds (keys)", "tests/test_kinds.py:2: calibration_fields (labels)",
    ]


def test_the_size_checker_counts_lines_in_every_module(tmp_path):
    root = _tree(tmp_path, {
        "handlers/short.py": "x = 1\n" * 450,
        "handlers/long.py": "x = 1\n" * 451,
        "bot/channels/deep.py": "x = 1\n" * 500,
        "reports/aggregate.py": "x = 1\n" * 900,  # not a package the rule covers
    })
    assert too_long(root) == ["bot/channels/deep.py: 500 lines", "handlers/long.py: 451 lines"]
