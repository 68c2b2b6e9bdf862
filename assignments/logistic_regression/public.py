"""Public tests: the lecture's worked examples (section 3, the sigmoid table and study hours)."""

import math

import numpy as np

from autograder.testing import check, test

HOURS = np.arange(1.0, 8.0)
PASSED = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])
# σ(1.5x − 5) for x = 1, …, 7
# A loss is compared by the policy's LOSS class (1e-4 relative), so a textbook + 1e-7 guard inside the log
# passes; probabilities by its PROBABILITY class (1e-12 absolute: the eps binary_cross_entropy clips to).
PROBABILITIES = [0.02931223075135632, 0.11920292202211755, 0.3775406687981454, 0.7310585786300049,
                 0.9241418199787566, 0.9820137900379085, 0.995929862284104]


@test("sigmoid", "the lecture's table: z = −3, −1, 0, 1, 3")
def sigmoid_table(student):
    got = student.sigmoid(np.array([-3.0, -1.0, 0.0, 1.0, 3.0]))
    check.close(got, [0.04742587317756678, 0.2689414213699951, 0.5, 0.7310585786300049, 0.9525741268224334],
                check.PROBABILITY)


@test("sigmoid", "a single number gives a single number: σ(0) = 0.5")
def sigmoid_scalar(student):
    check.close(student.sigmoid(0.0), 0.5, check.PROBABILITY)


@test("sigmoid", "stable at the extremes: σ(−1000) = 0 and σ(1000) = 1 (within 1e-12), σ(−720) tiny but not 0")
def sigmoid_stable(student):
    check.close(student.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0], check.PROBABILITY,
                what="σ(−1000) and σ(1000)")
    # Overflow, judged by the numbers: 1 / (1 + e^(−z)) overflows for z < −709.8 (a RuntimeWarning) and
    # returns 0.0 where σ(z) is a positive float (e^z, subnormal, or σ(−500) for a sigmoid clipped to ±500).
    tiny = check.number(student.sigmoid(-720.0), what="σ(−720)")
    check.that(tiny > 0, f"σ(−720) came back as {tiny!r}; it is about e^(−720) ≈ 2e−313, not 0: e^(720) overflowed "
                         f"(a RuntimeWarning). For z < 0 compute e^z / (1 + e^z), so that the exponent is never "
                         f"positive", tiny)
    check.close(tiny, math.exp(-720.0), check.PROBABILITY, what="σ(−720)")


@test("predict_proba", "study hours x = 1, …, 7 with σ(1.5x − 5), X of shape (m,)")
def proba_study_hours(student):
    check.close(student.predict_proba(HOURS, 1.5, -5.0), PROBABILITIES, check.PROBABILITY)


@test("predict_proba", "the same model with X of shape (m, 1) and w of shape (1,)")
def proba_matrix(student):
    check.close(student.predict_proba(HOURS.reshape(-1, 1), np.array([1.5]), -5.0), PROBABILITIES,
                check.PROBABILITY)


@test("predict", "study hours: Fail, Fail, Fail, Pass, Pass, Pass, Pass (labels 0 and 1)")
def predict_study_hours(student):
    check.equal(student.predict(HOURS, 1.5, -5.0), [0, 0, 0, 1, 1, 1, 1], what="the label array")


@test("predict", "a stricter threshold of 0.9: only 5 hours or more pass")
def predict_threshold(student):
    check.equal(student.predict(HOURS.reshape(-1, 1), np.array([1.5]), -5.0, threshold=0.9),
                [0, 0, 0, 0, 1, 1, 1], what="the label array")


@test("predict", "a probability exactly at the threshold is a 1 (σ(0) = 0.5 ≥ 0.5)")
def predict_at_the_threshold(student):
    check.equal(student.predict(np.array([-1.0, 0.0, 1.0]), 1.0, 0.0), [0, 1, 1], what="the label array")


@test("binary_cross_entropy", "probabilities of exactly 0 and 1 are clipped to [eps, 1 − eps]: a finite loss")
def bce_of_certain_predictions(student):
    got = student.binary_cross_entropy(np.array([0.0, 1.0, 1.0]), np.array([1.0, 0.0, 1.0]))
    check.close(got, -2 * math.log(1e-12) / 3, check.LOSS, what="the loss with ŷ = [0, 1, 1], y = [1, 0, 1] "
                                                              "(each wrong certainty costs −log(1e−12))")


@test("binary_cross_entropy", "the lecture's model on the seven study-hours students: J ≈ 0.1493")
def bce_study_hours(student):
    check.close(student.binary_cross_entropy(np.array(PROBABILITIES), PASSED), 0.14930502949926464, check.LOSS)


@test("binary_cross_entropy", "two predictions by hand: ŷ = [0.9, 0.2], y = [1, 0]")
def bce_by_hand(student):
    got = student.binary_cross_entropy(np.array([0.9, 0.2]), np.array([1.0, 0.0]))
    check.close(got, -(math.log(0.9) + math.log(0.8)) / 2, check.LOSS)


@test("logistic_gradients", "study hours, X of shape (7, 1), w = [1.5], b = −5")
def gradients_study_hours(student):
    dw, db = check.sequence(student.logistic_gradients(HOURS.reshape(-1, 1), PASSED, np.array([1.5]), -5.0), 2)
    check.close(dw, [-0.02730353259714167], what="dw", factors={"m": 7})
    check.close(db, 0.022742838928913316, what="db", factors={"m": 7})


@test("logistic_gradients", "at w = 0, b = 0 every ŷ is 0.5")
def gradients_at_zero(student):
    dw, db = check.sequence(student.logistic_gradients(HOURS.reshape(-1, 1), PASSED, np.array([0.0]), 0.0), 2)
    # errors ŷ − y = [0.5, 0.5, 0.5, −0.5, −0.5, −0.5, −0.5]
    check.close(dw, [-8 / 7], what="dw", factors={"m": 7})
    check.close(db, -1 / 14, what="db", factors={"m": 7})


@test("fit_logistic", "one step from zeros on study hours with α = 1: w = [8/7], b = 1/14")
def fit_one_step(student):
    w, b = check.sequence(student.fit_logistic(HOURS.reshape(-1, 1), PASSED, 1.0, 1), 2)
    check.close(w, [8 / 7], check.TRAINED, what="w")
    check.close(b, 1 / 14, check.TRAINED, what="b")


@test("fit_logistic", "n_iters = 0 returns the starting point w = [0, 0], b = 0")
def fit_no_steps(student):
    X = np.column_stack([HOURS, HOURS**2])
    w, b = check.sequence(student.fit_logistic(X, PASSED, 0.1, 0), 2)
    check.close(w, [0.0, 0.0], check.TRAINED, what="w")
    check.close(b, 0.0, check.TRAINED, what="b")


@test("fit_logistic", "2,000 steps with α = 0.1 on study hours separate Fail from Pass")
def fit_study_hours(student):
    w, b = check.sequence(student.fit_logistic(HOURS.reshape(-1, 1), PASSED, 0.1, 2000), 2)
    w = check.shape(w, (1,), what="w")
    b = float(check.shape(b, (), what="b"))
    labels = (HOURS * w[0] + b >= 0).astype(int)
    check.that(labels.tolist() == [0, 0, 0, 1, 1, 1, 1],
               f"the trained model (w = {w[0]:.4g}, b = {b:.4g}) labels the students {labels.tolist()}; "
               "expected [0, 0, 0, 1, 1, 1, 1]")
