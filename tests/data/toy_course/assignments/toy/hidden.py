from autograder.testing import check, test


@test("add", "random numbers", timeout=2)
def add_random(student, ref, rng):
    a, b = rng.normal(size=2)
    check.close(student.add(float(a), float(b)), ref.add(a, b))


@test("scale", "a random matrix", timeout=2)
def scale_matrix(student, ref, rng):
    x = rng.normal(size=(3, 2))
    check.close(student.scale(x, -2.0), ref.scale(x, -2.0))
