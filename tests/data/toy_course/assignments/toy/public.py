import numpy as np

from autograder.testing import check, test


@test("add", "two small numbers", timeout=2)
def add_small(student):
    check.close(student.add(2.0, 3.0), 5.0)


@test("scale", "an array times a number", timeout=2)
def scale_array(student):
    check.close(student.scale(np.array([1.0, 2.0]), 3.0), [3.0, 6.0])


@test("divide", "division by zero raises ValueError", timeout=2)
def divide_by_zero(student):
    check.raises("ValueError", student.divide, 1.0, 0.0)


@test("ANSWER", "the constant", timeout=2)
def answer(student):
    check.equal(student.constant("ANSWER"), 42)
