"""Mutation testing: change the product on purpose, one small change at a time, and see whether the
tests notice (issue 26).

For each module below, every mutation point its syntax tree offers is applied alone to a copy of the
repository, and the module's test files run against it (`pytest -x`, stopping at the first failure).
A mutant is killed when they fail, survives when they pass. To save time the unchanged module's tests
run once traced, and each mutant first meets only the tests that ran its line (all of them for a line
run at import, or never run); one those let through runs against every test file before it counts
as a survivor, so the outcome is the same as with every test (`--all-tests` does that throughout).
The mutations:

- comparisons: `<` ↔ `<=`, `>` ↔ `>=`, `==` ↔ `!=`, `in` ↔ `not in`, `is` ↔ `is not`
- numbers: n → n + 1, and n → n − 1 where n > 0
- strings (not docstrings): the text changed ("XX" in front); each run of digits inside it + 1
  (a regular expression's `{1,3}`, a sentence's "9 chữ số"); in a character class ("[…]") or a
  string of at most 4 characters, each character outside printable ASCII removed (up to 12 per string)
- `and` ↔ `or`; `not x` → `x`; `True` ↔ `False`; `+` ↔ `-`; `*` → `//`
- `return <value>` → `return None`; an `if` test → `True` and → `False`; `continue` ↔ `break`

Survivors that behave exactly as the original (equivalent mutants) are listed in EQUIVALENT with the
reason; the score is killed / (mutants − equivalent), and every other survivor is printed.

    .venv/bin/python bench/mutate.py                        # the four modules (several minutes)
    .venv/bin/python bench/mutate.py storage/text.py -j 2   # one module, two at a time
    .venv/bin/python bench/mutate.py --list bot/parsing.py --lines 57,150-160  # these lines' mutants, not run
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The module, and the test files that exercise it (each runs in a few seconds).
MODULES: dict[str, list[str]] = {
    "bot/parsing.py": ["tests/test_parsing_edges.py", "tests/test_parsing_limits.py", "tests/test_parsing.py"],
    "storage/text.py": ["tests/test_storage_text.py", "tests/test_parsing.py"],
    "texts/common.py": ["tests/test_texts_common.py", "tests/test_parsing_limits.py", "tests/test_parsing.py"],
    "reports/aggregate.py": [
        "tests/test_report_aggregate_edges.py", "tests/test_report_aggregate.py", "tests/test_report_rules.py",
        "tests/test_report_inspection_rule.py", "tests/test_report_single_faults.py", "tests/test_report_data_frozen.py",
    ],
}

# Survivors that cannot be told apart from the original by any input: (module, the line as written
# (stripped), the mutation) → why.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("bot/parsing.py", 'value = fold(_compact(text)).strip(" .!")', "string ' .!' changed"):
        "fold() lower-cases the text first: the capital X the change adds to the stripped characters is never there",
    ("bot/parsing.py", "for year in range(today.year, today.year - 9, -1):", "9 → 10"):
        "a tenth year back is never reached: 29 February comes back within eight years (2096 to 2104 is the "
        "longest gap, tested), every other date within one; a date no year has fails in the nine",
    ("reports/aggregate.py", "if 0 < n < 10:", "`<` → `<=` (comparison 2 of 2)"):
        "10 padded to two digits is \"10\", as the thousands format writes it: both branches agree at 10",
    ("reports/aggregate.py", 'key = " ".join(fold(line).split())', "string ' ' changed"):
        "the key only compares paragraphs: folded text holds no capital X, so \"XX \" between the words "
        "makes the same keys equal as \" \" does",
    ("reports/aggregate.py", "if 0 < n < 10:", "10 → 11"):
        "10 padded to two digits is \"10\", as the thousands format writes it: both branches agree at 10",
}

_COMPARE_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                 ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_OP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
            ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
            ast.FloorDiv: "//", ast.And: "and", ast.Or: "or"}
_BINOP_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv}
_MAX_CHARS_PER_STRING = 12


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int  # the n-th mutation point of the module, in tree order
    line: int
    what: str
    source: str  # the module's mutated source

    def key(self, original_lines: list[str]) -> tuple[str, str, str]:
        return (self.module, original_lines[self.line - 1].strip(), self.what)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


def _string_variants(value: str) -> Iterator[tuple[str, str]]:
    if value:
        yield "XX" + value, f"string {_short(value)} changed"
    for match in list(re.finditer(r"\d+", value))[:4]:
        bumped = value[: match.start()] + str(int(match.group()) + 1) + value[match.end():]
        yield bumped, f"digits {match.group()!r} → {int(match.group()) + 1} in {_short(value)}"
    removed = 0
    for i, ch in enumerate(value if value.startswith("[") or len(value) <= 4 else ""):
        if (ord(ch) < 0x20 or ord(ch) > 0x7E) and removed < _MAX_CHARS_PER_STRING:
            removed += 1
            yield value[:i] + value[i + 1:], f"U+{ord(ch):04X} removed from {_short(value)}"


def _short(value: str) -> str:
    return ascii(value) if len(ascii(value)) <= 40 else ascii(value)[:37] + "…'"


def _points(tree: ast.AST) -> Iterator[tuple[ast.AST, str, object]]:
    """(node, description, how) for every mutation the tree offers; `how` is applied by _apply."""
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom | ast.Import):
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swap = _COMPARE_SWAP.get(type(op))
                if swap:
                    which = f" (comparison {i + 1} of {len(node.ops)})" if len(node.ops) > 1 else ""
                    yield node, f"`{_OP_TEXT[type(op)]}` → `{_OP_TEXT[swap]}`{which}", ("compare", i, swap)
        elif isinstance(node, ast.BoolOp):
            other = ast.Or if isinstance(node.op, ast.And) else ast.And
            yield node, f"`{_OP_TEXT[type(node.op)]}` → `{_OP_TEXT[other]}`", ("boolop", other)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "`not` removed", ("unnot",)
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAP:
            swap = _BINOP_SWAP[type(node.op)]
            yield node, f"`{_OP_TEXT[type(node.op)]}` → `{_OP_TEXT[swap]}`", ("binop", swap)
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                yield node, f"{value} → {not value}", ("const", not value)
            elif isinstance(value, int):
                yield node, f"{value} → {value + 1}", ("const", value + 1)
                if value > 0:
                    yield node, f"{value} → {value - 1}", ("const", value - 1)
            elif isinstance(value, str) and id(node) not in docstrings:
                for variant, what in _string_variants(value):
                    yield node, what, ("const", variant)
        elif isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            yield node, "`return …` → `return None`", ("return_none",)
        elif isinstance(node, ast.If | ast.IfExp):
            yield node, "condition → True", ("test", True)
            yield node, "condition → False", ("test", False)
        elif isinstance(node, ast.Continue):
            yield node, "`continue` → `break`", ("loopjump", ast.Break)
        elif isinstance(node, ast.Break):
            yield node, "`break` → `continue`", ("loopjump", ast.Continue)


def _apply(tree: ast.AST, index: int) -> ast.AST:
    """A copy of the tree with the index-th mutation applied."""
    mutated = copy.deepcopy(tree)
    node, _, how = list(_points(mutated))[index]
    kind = how[0]
    if kind == "compare":
        node.ops[how[1]] = how[2]()
    elif kind == "boolop":
        node.op = how[1]()
    elif kind == "unnot":
        _replace_not(mutated, node)
    elif kind == "binop":
        node.op = how[1]()
    elif kind == "const":
        node.value = how[1]
    elif kind == "return_none":
        node.value = ast.Constant(None)
    elif kind == "test":
        node.test = ast.Constant(how[1])
    elif kind == "loopjump":
        node.__class__ = how[1]
    return ast.fix_missing_locations(mutated)


def _replace_not(tree: ast.AST, marked: ast.AST) -> None:
    """Swap the marked `not x` for `x` wherever its parent holds it."""
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is marked:
                setattr(parent, field, marked.operand)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if item is marked:
                        value[i] = marked.operand


def mutants(module: str) -> list[Mutant]:
    source = (ROOT / module).read_text(encoding="utf-8")
    tree = ast.parse(source)
    found = []
    for index, (node, what, _) in enumerate(_points(tree)):
        mutated = ast.unparse(_apply(tree, index))
        found.append(Mutant(module, index, getattr(node, "lineno", 0), what, mutated))
    return found


def _copy_repo(into: Path) -> Path:
    target = into / "repo"
    patterns = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis")

    def ignore(folder: str, names: list[str]) -> set[str]:  # the data folder at the top, not tests/data
        return set(patterns(folder, names)) | ({"data"} if Path(folder) == ROOT else set())

    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def _preload() -> None:
    """Import the heavy libraries once, before forking: each mutant's run then only imports the project."""
    for name in ("sqlalchemy", "sqlalchemy.ext.asyncio", "aiosqlite", "aiohttp", "alembic", "docxtpl", "openpyxl",
                 "jinja2", "telegram", "prometheus_client"):  # not pytest's plugins: they must load in pytest
        try:
            __import__(name)
        except ImportError:
            pass


class _Only:
    """A pytest plugin that keeps only the tests that ran the mutated line (the rest cannot notice it)."""

    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted

    def pytest_collection_modifyitems(self, config, items) -> None:  # noqa: ANN001
        items[:] = [item for item in items if item.nodeid in self.wanted]


class _LineMap:
    """A pytest plugin that records, for each line of the module, the tests that ran it; lines run while
    no test runs (at import) are marked IMPORT: every test depends on them."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.current = IMPORT
        self.lines: dict[int, set[str]] = {}

    def _global(self, frame, event, arg):  # noqa: ANN001, ANN202
        return self._local if frame.f_code.co_filename == self.filename else None

    def _local(self, frame, event, arg):  # noqa: ANN001, ANN202
        self.lines.setdefault(frame.f_lineno, set()).add(self.current)
        return self._local

    def pytest_configure(self, config) -> None:  # noqa: ANN001
        sys.settrace(self._global)
        threading.settrace(self._global)

    def pytest_runtest_setup(self, item) -> None:  # noqa: ANN001
        self.current = item.nodeid

    def pytest_runtest_logfinish(self, nodeid, location) -> None:  # noqa: ANN001
        self.current = IMPORT


IMPORT = "<import>"  # a line run while no test ran


def _line_map(repo: Path, module: str, tests: list[str], timeout: float) -> dict[int, set[str]] | None:
    """Run the unchanged module's tests once, tracing its lines; None when they do not pass."""
    out = repo.parent / "lines.json"
    status = _fork(repo, lambda: _traced(repo, module, tests, out), timeout)
    if status != 0:
        return None
    return {int(line): set(ids) for line, ids in json.loads(out.read_text(encoding="utf-8")).items()}


def _traced(repo: Path, module: str, tests: list[str], out: Path) -> int:
    import pytest

    mapping = _LineMap(str(repo / module))
    code = int(pytest.main(["-q", "-p", "no:cacheprovider", *tests], plugins=[mapping]))
    sys.settrace(None)
    out.write_text(json.dumps({line: sorted(ids) for line, ids in mapping.lines.items()}), encoding="utf-8")
    return code


def _tests_for(line: int, lines: dict[int, set[str]] | None) -> set[str] | None:
    """The tests that ran this line; None (all of them) when it ran at import, or was never run."""
    ids = (lines or {}).get(line)
    return None if not ids or IMPORT in ids else ids


def _fork(repo: Path, work, timeout: float) -> int | None:  # noqa: ANN001
    """Run `work` in a forked child in the copy of the repository: its exit code, None after the timeout."""
    pid = os.fork()
    if pid == 0:  # the child: the copy's project on the path, the outcome as exit code
        code = 3
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.chdir(repo)
            sys.path.insert(0, str(repo))
            os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
            os.environ.setdefault("FIELDBOT_PROPERTY_SCALE", "0.3")
            os.environ.pop("TEST_DATABASE_URL", None)  # SQLite tells a mutant apart, and faster
            code = work()
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.05)


def _pytest(tests: list[str], only: set[str] | None) -> int:
    import pytest

    return int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", *tests], plugins=[_Only(only)] if only else []))


def _run(repo: Path, mutant: Mutant, tests: list[str], timeout: float, only: set[str] | None = None) -> str:
    """'killed', 'survived' or 'timeout' (counted as killed: the tests did not pass). The tests run in a
    forked child of this process, in the mutant's copy of the repository: first only those that ran the
    mutated line (`only`); a mutant they let through is run against every test file, so that a
    survivor is one the whole of them lets through."""
    path = repo / mutant.module
    original = path.read_text(encoding="utf-8")
    path.write_text(mutant.source, encoding="utf-8")
    try:
        if only:
            status = _fork(repo, lambda: _pytest(tests, only), timeout)
            if status is None:
                return "timeout"
            if status not in (0, 4, 5):  # 4, 5: none of them found (the ids changed): run them all
                return "killed"
        status = _fork(repo, lambda: _pytest(tests, None), timeout)
        if status is None:
            return "timeout"
        return "survived" if status == 0 else "killed"
    finally:
        path.write_text(original, encoding="utf-8")


def _line_set(text: str) -> set[int]:
    """'57,150-160' → {57, 150, …, 160}; '' → empty (every line)."""
    lines: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = part.partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", default=list(MODULES), help="modules to mutate (default: all four)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="mutants run at once (each in its own copy)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a mutant's tests count as killed")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--all-tests", action="store_true", help="run every test file against each mutant, not "
                        "first the tests that ran its line (slower; the outcome is the same)")
    parser.add_argument("--lines", default="", help="only the mutants on these lines, e.g. 57,150-160 "
                        "(to check the tests written for a run's survivors; the score is then of these alone)")
    args = parser.parse_args(argv)
    try:
        wanted = _line_set(args.lines)
    except ValueError:
        print(f"--lines: line numbers or ranges with commas, e.g. 57,150-160; not {args.lines!r}", file=sys.stderr)
        return 2
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    total_killed = total_counted = 0
    for module in args.modules:
        lines = (ROOT / module).read_text(encoding="utf-8").splitlines()
        found = [m for m in mutants(module) if not wanted or m.line in wanted]
        if args.list:
            for m in found:
                print(f"{module}:{m.line}: {m.what}")
            continue
        tests = [t for t in MODULES[module] if (ROOT / t).exists()]
        _preload()
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
            repos = [_copy_repo(Path(tmp) / str(i)) for i in range(max(1, args.jobs))]
            free = list(repos)

            def run_one(mutant: Mutant, only: set[str] | None, free: list[Path] = free, tests: list[str] = tests) -> str:
                repo = free.pop()
                try:
                    outcome = _run(repo, mutant, tests, args.timeout, only)
                    if outcome == "survived":
                        print(f"\n  survived {mutant.module}:{mutant.line}: {mutant.what}", file=sys.stderr, flush=True)
                    else:
                        print(".", end="", file=sys.stderr, flush=True)
                    return outcome
                finally:
                    free.append(repo)

            source = (ROOT / module).read_text(encoding="utf-8")
            if args.all_tests:
                line_map, control = None, _run(repos[0], Mutant(module, -1, 1, "none", source), tests, args.timeout)
            else:  # the unchanged module's run, traced: which tests run which line
                line_map = _line_map(repos[0], module, tests, args.timeout)
                control = "killed" if line_map is None else "survived"
                print(f"{module}: {len(line_map or {})} lines run, "
                      f"{sum(IMPORT in ids for ids in (line_map or {}).values())} of them at import", file=sys.stderr)
            broken = _run(repos[0], Mutant(module, -1, 1, "broken", "raise ImportError('mutant')\n"), tests, args.timeout)
            if (control, broken) != ("survived", "killed"):
                print(f"{module}: the unchanged module gives {control!r}, a broken one {broken!r}: the tests do not "
                      "run against the copy as they should; nothing measured", file=sys.stderr)
                return 1
            with ThreadPoolExecutor(max_workers=len(repos)) as pool:
                outcomes = list(pool.map(run_one, found, [_tests_for(m.line, line_map) for m in found]))
        survivors = [m for m, outcome in zip(found, outcomes, strict=True) if outcome == "survived"]
        equivalent = [m for m in survivors if m.key(lines) in EQUIVALENT]
        unexplained = [m for m in survivors if m.key(lines) not in EQUIVALENT]
        counted = len(found) - len(equivalent)
        killed = counted - len(unexplained)
        total_killed, total_counted = total_killed + killed, total_counted + counted
        print(f"\n{module}: {len(found)} mutants, {len(found) - len(survivors)} killed, "
              f"{len(equivalent)} equivalent, {len(unexplained)} survived — score {killed / max(counted, 1):.0%} "
              f"({time.monotonic() - started:.0f} s; tests: {' '.join(tests)})")
        for m in equivalent:
            print(f"  equivalent {module}:{m.line}: {m.what} — {EQUIVALENT[m.key(lines)]}")
        for m in unexplained:
            print(f"  SURVIVED   {module}:{m.line}: {m.what}    | {lines[m.line - 1].strip()}")
    if not args.list:
        print(f"\ntotal: {total_killed} of {total_counted} non-equivalent mutants killed "
              f"({total_killed / max(total_counted, 1):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
