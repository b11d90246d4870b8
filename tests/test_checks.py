"""Every test function holds a check that can fail (issue 26).

A test with no `assert`, no `pytest.raises`/`pytest.fail`/`pytest.warns` and no call to a helper of
tests/ that holds one passes whatever the product does; so does `assert x >= 0` on a length or a
count, or `assert True`. This module reads the test files (ast, nothing imported) and names every
such test. A helper counts when it is defined anywhere under tests/ and checks, itself or through
the helpers it calls (by name: a method `register` of a test kit counts wherever it is called).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PRODUCT = ("app", "bot", "handlers", "reports", "storage", "texts")
PYTEST_CHECKS = {"raises", "fail", "warns", "deprecated_call"}
COUNTS = {"len", "sum", "count"}


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def trivially_true(test: ast.expr) -> bool:
    """`assert True`, `assert "text"`, `assert len(x) >= 0`, `assert count(…) >= 0`, `assert x == x`."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, ast.GtE) and isinstance(right, ast.Constant) and right.value == 0:
            return isinstance(left, ast.Call) and _called_name(left) in COUNTS
        if isinstance(op, ast.Eq | ast.LtE | ast.GtE | ast.Is):
            return ast.dump(left) == ast.dump(right)
    return False


def _checks_here(node: ast.AST) -> tuple[bool, set[str], set[str]]:
    """Whether the code holds a check that can fail by itself, and the names it calls: plain names
    (`play(…)`, a helper of the module or of the kit) and methods (`bot.register()`)."""
    checks, names, methods = False, set(), set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assert) and not trivially_true(inner.test):
            checks = True
        elif isinstance(inner, ast.Call):
            func = inner.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "pytest":
                checks = checks or func.attr in PYTEST_CHECKS
            elif isinstance(func, ast.Attribute):
                methods.add(func.attr)
            elif isinstance(func, ast.Name):
                names.add(func.id)
    return checks, names, methods


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def checking_helpers(trees: list[ast.AST]) -> set[str]:
    """Names of the functions under tests/ that check, directly or through other such functions."""
    found: dict[str, tuple[bool, set[str]]] = {}
    for tree in trees:
        for function in _functions(tree):
            checks, names, methods = _checks_here(function)
            was_checks, was_calls = found.get(function.name, (False, set()))
            found[function.name] = (checks or was_checks, names | methods | was_calls)
    checking = {name for name, (checks, _) in found.items() if checks}
    while True:
        more = {name for name, (_, calls) in found.items() if name not in checking and calls & checking}
        if not more:
            return checking
        checking |= more


def unchecked_tests(source: str, helpers: set[str], product: frozenset[str] = frozenset()) -> list[str]:
    """The test functions of one module's source that hold no check that can fail. A method call counts
    only when no product function has its name (`db.close()` is the product's, `bot.register()` the kit's)."""
    missing = []
    for function in _functions(ast.parse(source)):
        if not function.name.startswith("test_"):
            continue
        checks, names, methods = _checks_here(function)
        if not checks and not names & helpers and not (methods - product) & helpers:
            missing.append(f"{function.name} (line {function.lineno})")
    return missing


def product_names() -> frozenset[str]:
    return frozenset(
        function.name
        for package in PRODUCT for path in (TESTS.parent / package).rglob("*.py")
        for function in _functions(ast.parse(path.read_text(encoding="utf-8")))
    )


def _trees() -> dict[Path, ast.AST]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(TESTS.rglob("*.py"))}


def test_every_test_function_holds_a_check_that_can_fail():
    trees = _trees()
    helpers, product = checking_helpers(list(trees.values())), product_names()
    missing = [
        f"{path.relative_to(TESTS.parent)}: {name}"
        for path in trees if path.name.startswith("test_")
        for name in unchecked_tests(path.read_text(encoding="utf-8"), helpers, product)
    ]
    assert missing == [], "tests that cannot fail:\n" + "\n".join(missing)


PLANTED = '''
import pytest

def helper_that_checks(x):
    assert x == 1

def helper_that_delegates(x):
    helper_that_checks(x)

def test_empty():
    pass

def test_calls_the_product_only(db):
    upgrade(db)
    db.close()

def test_count_at_least_zero(rows):
    assert len(rows) >= 0

def test_true():
    assert True

def test_same():
    x = 3
    assert x == x

async def test_async_empty():
    await something()

def test_plain_assert():
    assert parse("1") == 1

def test_raises():
    with pytest.raises(ValueError):
        parse("x")

def test_through_a_helper():
    helper_that_delegates(1)

def test_through_a_method_named_like_the_products():
    db.close()

def test_a_property():
    def inner(value):
        assert value >= 0
    inner(1)
'''


def test_the_checker_names_each_planted_test_that_cannot_fail():
    helpers = checking_helpers([ast.parse(PLANTED + "\ndef close():\n    assert closed\n")])
    assert {"helper_that_checks", "helper_that_delegates", "close"} <= helpers
    assert [name.split(" ")[0] for name in unchecked_tests(PLANTED, helpers, frozenset({"close"}))] == [
        "test_empty", "test_calls_the_product_only", "test_count_at_least_zero", "test_true", "test_same",
        "test_async_empty", "test_through_a_method_named_like_the_products",
    ]
