"""A question's points depend only on its own functions.

Every test of every assignment is run on the reference, each question on its own, and every call the test
makes into the submission is recorded: it may reach only its own question's functions and constants.
The one exception is declared below with its reason, and a test shows that it cannot cost points: the
XOR network's constants, which xor_forward and hidden_representation are judged against (any weights that
compute XOR are right), read leniently, the lecture's weights standing in for unusable ones. (What the
student's own code calls is theirs: tests/mutants checks that each wrong function costs only its question.)
"""

from __future__ import annotations

import pytest

from autograder.grader import grade_source
from autograder.grading import run_tests
from autograder.local_transport import LocalTransport
from autograder.reports.wording import explain
from autograder.sandbox.runtime import recipes

from .conftest import COURSE, replace_definition, solution_source

XOR_CONSTANTS = {"XOR_W1", "XOR_B1", "XOR_W2", "XOR_B2"}
#: (assignment, question) -> the names of other questions its tests may read, because a wrong value there
#: cannot cost it points (see the tests at the end).
LENIENT_READS = {
    ("xor_mlp", "xor_forward"): XOR_CONSTANTS,
    ("xor_mlp", "hidden_representation"): {"XOR_W1", "XOR_B1"},
}


class Recording(LocalTransport):
    """The reference answering in this process; the names of the functions and constants asked for kept."""

    def __init__(self, namespace: dict) -> None:
        super().__init__(namespace, "the reference")
        self.names: set[str] = set()

    def call(self, target, args=(), kwargs=None, **options):
        if isinstance(target, str):
            self.names.add(target)
        return super().call(target, args, kwargs, **options)

    def get(self, name, timeout=10.0):
        self.names.add(name)
        return super().get(name, timeout)


def reference_namespace(assignment_id: str) -> dict:
    namespace: dict = {"__name__": assignment_id}
    exec(compile(solution_source(assignment_id), f"solutions/{assignment_id}.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("assignment_id", list(COURSE.assignments))
def test_each_questions_tests_call_only_its_own_functions(assignment_id):
    assignment = COURSE.get(assignment_id)
    namespace = reference_namespace(assignment_id)
    stray = {}
    for question in assignment.questions:
        recipes.reset()  # as a fresh student process would: no object another test of this worker kept
        transport = Recording(namespace)
        result = run_tests(assignment, transport, questions={question.name})
        assert all(t.passed for t in result.tests), [explain(t) for t in result.tests if not t.passed]
        allowed = set(question.functions) | LENIENT_READS.get((assignment_id, question.name), set())
        if transport.names - allowed:
            stray[question.name] = sorted(transport.names - allowed)
    assert not stray, f"tests call other questions' functions: {stray}"


@pytest.mark.parametrize(("name", "value"), [
    ("XOR_B1", "np.array([[-0.5, -1.5]])"),  # a bias written as a row, as torch and many textbooks do
    ("XOR_W2", "np.array([[1.0], [-2.0]])"),  # output weights as a column
    ("XOR_W1", "None"),  # never set: xor_forward and hidden_representation below do not read it
])
def test_unusable_xor_constants_cost_only_the_xor_weights_question(name, value):
    source = replace_definition(solution_source("xor_mlp"), name, f"{name} = {value}")
    source = replace_definition(source, "hidden_representation", """
def hidden_representation(X):
    return step(np.asarray(X, dtype=float) @ np.array([[1.0, 1.0], [1.0, 1.0]]).T + np.array([-0.5, -1.5]))
""")
    source = replace_definition(source, "xor_forward", """
def xor_forward(X):
    return step(hidden_representation(X) @ np.array([1.0, -2.0]) - 0.5)
""")
    scores = grade_source(COURSE.get("xor_mlp"), source).question_scores()
    assert scores["xor_weights"][0] < scores["xor_weights"][1]
    assert {q: s for q, s in scores.items() if q != "xor_weights" and s[0] < s[1]} == {}
