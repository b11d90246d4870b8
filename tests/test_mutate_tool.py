"""bench/mutate.py on a planted module (issue 26): the tests it picks for a mutant are those that ran the
mutated line, a fault they catch is killed, and a mutant they let through is run against every test
before it counts as a survivor."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("bench_mutate", Path(__file__).parents[1] / "bench" / "mutate.py")
mutate = importlib.util.module_from_spec(_spec)
sys.modules["bench_mutate"] = mutate
_spec.loader.exec_module(mutate)

MODULE = '''LIMIT = 9


def too_big(n):
    return n > LIMIT


def label(n):
    return "lớn" if too_big(n) else "nhỏ"
'''

TESTS = '''from planted_limit import label, too_big


def test_too_big():
    assert too_big(10) and not too_big(9)


def test_label_of_a_big_one():
    assert label(100) == "lớn"
'''


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "planted_limit.py").write_text(MODULE, encoding="utf-8")
    (tmp_path / "repo" / "test_planted_limit.py").write_text(TESTS, encoding="utf-8")
    return tmp_path / "repo"


def mutant(line: int, old: str, new: str) -> object:
    source = MODULE.replace(old, new, 1)
    assert source != MODULE
    return mutate.Mutant("planted_limit.py", 0, line, f"{old} → {new}", source)


def test_each_line_is_mapped_to_the_tests_that_ran_it(repo):
    lines = mutate._line_map(repo, "planted_limit.py", ["test_planted_limit.py"], 120)
    too_big, label = "test_planted_limit.py::test_too_big", "test_planted_limit.py::test_label_of_a_big_one"
    assert lines[5] == {too_big, label}  # return n > LIMIT
    assert lines[9] == {label}  # return "lớn" if …
    assert mutate._tests_for(9, lines) == {label}
    assert mutate._tests_for(1, lines) is None  # LIMIT = 9, run at import: every test
    assert mutate._tests_for(7, {}) is None


def test_a_fault_the_chosen_tests_catch_is_killed_and_one_they_miss_survives_all(repo):
    tests = ["test_planted_limit.py"]
    only = {"test_planted_limit.py::test_label_of_a_big_one"}
    assert mutate._run(repo, mutant(5, "n > LIMIT", "n >= LIMIT"), tests, 120, None) == "killed"
    assert mutate._run(repo, mutant(9, '"nhỏ"', '"bé"'), tests, 120, only) == "survived"  # no test reads "nhỏ"
    # chosen tests that miss what another test catches: the mutant is run against all, and killed
    assert mutate._run(repo, mutant(5, "n > LIMIT", "n >= LIMIT"), tests, 120, only) == "killed"
    assert (repo / "planted_limit.py").read_text(encoding="utf-8") == MODULE  # put back


def test_lines_to_run_again():
    assert mutate._line_set("57,150-152") == {57, 150, 151, 152}
    assert mutate._line_set("") == set()
    with pytest.raises(ValueError):
        mutate._line_set("x")


def test_only_the_chosen_tests_run(repo):
    (repo / "planted_limit.py").write_text(MODULE.replace("n > LIMIT", "n >= LIMIT"), encoding="utf-8")
    tests = ["test_planted_limit.py"]
    assert mutate._fork(repo, lambda: mutate._pytest(tests, {"test_planted_limit.py::test_label_of_a_big_one"}), 120) == 0
    assert mutate._fork(repo, lambda: mutate._pytest(tests, None), 120) == 1
    assert mutate._fork(repo, lambda: mutate._pytest(tests, {"test_planted_limit.py::gone"}), 120) == 5  # none left
