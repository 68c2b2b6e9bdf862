"""Public tests: the lectures' parameter counts (XOR nets, the 3-4-4-2 net, the MNIST nets)."""

from autograder.testing import check, recipe, test

TRAINABLE = "the number of trainable parameters"


@test("count_parameters", "the lecture's small networks: 2-2-1 (XOR) has 9, 2-3-1 has 13, 3-4-4-2 has 46")
def count_small_networks(student):
    check.equal(student.count_parameters([2, 2, 1]), 9, what="the count for [2, 2, 1]")
    check.equal(student.count_parameters([2, 3, 1]), 13, what="the count for [2, 3, 1]")
    check.equal(student.count_parameters([3, 4, 4, 2]), 46, what="the count for [3, 4, 4, 2]")


@test("count_parameters", "the lecture's MNIST networks: 784-128-10 has 101,770, 784-128-64-10 has 109,386")
def count_mnist_networks(student):
    check.equal(student.count_parameters([784, 128, 10]), 101_770, what="the count for [784, 128, 10]")
    check.equal(student.count_parameters([784, 128, 64, 10]), 109_386, what="the count for [784, 128, 64, 10]")


@test("count_parameters", "a single layer size raises ValueError")
def count_one_size(student):
    check.raises("ValueError", student.count_parameters, [5])


@test("count_weights_and_biases", "the lecture's 2-3-1 net: 9 weights and 4 biases")
def split_2_3_1(student):
    weights, biases = check.sequence(student.count_weights_and_biases([2, 3, 1]), 2)
    check.equal(weights, 9, what="the weights")
    check.equal(biases, 4, what="the biases")


@test("count_weights_and_biases", "the lecture's 2-2-1 table: 4 + 2 = 6 weights, 2 + 1 = 3 biases")
def split_2_2_1(student):
    weights, biases = check.sequence(student.count_weights_and_biases([2, 2, 1]), 2)
    check.equal(weights, 6, what="the weights")
    check.equal(biases, 3, what="the biases")


@test("count_weights_and_biases", "the lecture's MNIST nets: (101,632, 138) and (109,184, 202)")
def split_mnist(student):
    weights, biases = check.sequence(student.count_weights_and_biases([784, 128, 10]), 2)
    check.equal(weights, 101_632, what="the weights of [784, 128, 10]")
    check.equal(biases, 138, what="the biases of [784, 128, 10]")
    weights, biases = check.sequence(student.count_weights_and_biases([784, 128, 64, 10]), 2)
    check.equal(weights, 109_184, what="the weights of [784, 128, 64, 10]")
    check.equal(biases, 202, what="the biases of [784, 128, 64, 10]")


@test("count_weights_and_biases", "a layer of size 0 raises ValueError")
def split_zero_size(student):
    check.raises("ValueError", student.count_weights_and_biases, [3, 0, 2])


@test("count_module_parameters", "Lecture 5's nn.Sequential 784 → 128 → 10 has 101,770", timeout=30.0)
def module_mnist(student):
    model = recipe("torch_mlp", layer_sizes=[784, 128, 10])
    check.equal(student.count_module_parameters(model), 101_770, what=TRAINABLE)


@test("count_module_parameters", "the same model with its first Linear layer frozen: only 128·10 + 10 train",
      timeout=30.0)
def module_mnist_frozen(student):
    model = recipe("torch_mlp", layer_sizes=[784, 128, 10], frozen=[0])
    check.equal(student.count_module_parameters(model), 1_290, what=TRAINABLE)


@test("count_module_parameters", "the same model without biases (bias=False): 101,632 weights", timeout=30.0)
def module_mnist_no_bias(student):
    model = recipe("torch_mlp", layer_sizes=[784, 128, 10], bias=False)
    check.equal(student.count_module_parameters(model), 101_632, what=TRAINABLE)
