"""Hidden tests: random layer sizes (no lecture answer to copy), invalid sizes, frozen layers."""

from autograder.testing import check, recipe, test

TRAINABLE = "the number of trainable parameters"


def random_sizes(rng, n_layers, high=300):
    return [int(n) for n in rng.integers(1, high, size=n_layers)]


def trainable(sizes, frozen=(), bias=True):
    """Parameters of the Linear layers not in `frozen`, counted from the sizes."""
    layers = zip(sizes[:-1], sizes[1:], strict=True)
    return sum(n_in * n_out + (n_out if bias else 0) for i, (n_in, n_out) in enumerate(layers) if i not in frozen)


@test("count_parameters", "random layer sizes, 2 to 6 layers")
def count_random(student, ref, rng):
    for n_layers in range(2, 7):
        sizes = random_sizes(rng, n_layers)
        check.equal(student.count_parameters(sizes), ref.count_parameters(sizes), what=f"the count for {sizes}")


@test("count_parameters", "the smallest network, [1, 1]: one weight and one bias")
def count_smallest(student):
    check.equal(student.count_parameters([1, 1]), 2)


@test("count_parameters", "a wide, deep network, [1000, 512, 512, 256, 10]")
def count_wide(student, ref):
    sizes = [1000, 512, 512, 256, 10]
    check.equal(student.count_parameters(sizes), ref.count_parameters(sizes))


@test("count_parameters", "an empty list raises ValueError", weight=0.5)
def count_empty(student):
    check.raises("ValueError", student.count_parameters, [])


@test("count_parameters", "a layer of size 0, [3, 0, 2], raises ValueError", weight=0.5)
def count_zero_size(student):
    check.raises("ValueError", student.count_parameters, [3, 0, 2])


@test("count_parameters", "a negative size, [-1, 4], raises ValueError", weight=0.5)
def count_negative_size(student):
    check.raises("ValueError", student.count_parameters, [-1, 4])


@test("count_weights_and_biases", "random layer sizes, 2 to 6 layers")
def split_random(student, ref, rng):
    for n_layers in range(2, 7):
        sizes = random_sizes(rng, n_layers)
        weights, biases = check.sequence(student.count_weights_and_biases(sizes), 2)
        expected_weights, expected_biases = ref.count_weights_and_biases(sizes)
        check.equal(weights, expected_weights, what=f"the weights of {sizes}")
        check.equal(biases, expected_biases, what=f"the biases of {sizes}")


@test("count_weights_and_biases", "a network with a wide input and a narrow output, [500, 3]")
def split_one_layer(student):
    weights, biases = check.sequence(student.count_weights_and_biases([500, 3]), 2)
    check.equal(weights, 1500, what="the weights")
    check.equal(biases, 3, what="the biases")


@test("count_weights_and_biases", "a single layer size, [5], raises ValueError", weight=0.5)
def split_one_size(student):
    check.raises("ValueError", student.count_weights_and_biases, [5])


@test("count_weights_and_biases", "an empty list raises ValueError", weight=0.5)
def split_empty(student):
    check.raises("ValueError", student.count_weights_and_biases, [])


@test("count_weights_and_biases", "a negative size, [-1, 4], raises ValueError", weight=0.5)
def split_negative_size(student):
    check.raises("ValueError", student.count_weights_and_biases, [-1, 4])


@test("count_module_parameters", "random layer sizes, nothing frozen", timeout=30.0)
def module_random(student, rng):
    sizes = random_sizes(rng, 4, high=100)
    model = recipe("torch_mlp", layer_sizes=sizes)
    check.equal(student.count_module_parameters(model), trainable(sizes), what=TRAINABLE)


@test("count_module_parameters", "random layer sizes with some Linear layers frozen", timeout=30.0)
def module_random_frozen(student, rng):
    sizes = random_sizes(rng, 5, high=100)
    frozen = [1, 3]
    model = recipe("torch_mlp", layer_sizes=sizes, frozen=frozen)
    check.equal(student.count_module_parameters(model), trainable(sizes, frozen), what=TRAINABLE)


@test("count_module_parameters", "random layer sizes without biases, the last layer frozen", timeout=30.0)
def module_random_no_bias_frozen(student, rng):
    sizes = random_sizes(rng, 4, high=100)
    model = recipe("torch_mlp", layer_sizes=sizes, frozen=[2], bias=False)
    check.equal(student.count_module_parameters(model), trainable(sizes, [2], bias=False), what=TRAINABLE)


@test("count_module_parameters", "every layer frozen: 0 trainable parameters", timeout=30.0)
def module_all_frozen(student):
    model = recipe("torch_mlp", layer_sizes=[2, 2, 1], frozen=[0, 1])
    check.equal(student.count_module_parameters(model), 0, what=TRAINABLE)
