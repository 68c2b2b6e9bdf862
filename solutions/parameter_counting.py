"""Parameter counting: the weights and biases of a fully connected network and of a torch module.

Lecture: From Linear Regression to Deep Networks, sections 7 (Hidden layers) and
8 (Deep networks); Lecture 5, "How Many Parameters" and its nn.Sequential MNIST model.
Each layer with n_in inputs and n_out outputs has n_in·n_out weights and n_out biases,
so 784 → 128 → 10 has (784·128 + 128) + (128·10 + 10) = 101,770 parameters.
"""


def count_parameters(layer_sizes):
    """Weights plus biases of a fully connected network: Σ (n_in·n_out + n_out) over its layers.

    Args:
        layer_sizes: neurons per layer, input layer first, e.g. [784, 128, 10].

    Returns:
        The number of parameters, an int.

    Raises:
        ValueError: for fewer than two layer sizes, or a size below 1.

    Lecture: section 8, "Calculate the total parameters in this FCNN" (784-128-64-10: 109,386).
    """
    # BEGIN SOLUTION
    # HINT: validate first; then pair consecutive sizes with zip(layer_sizes[:-1], layer_sizes[1:]).
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError(f"need at least two layer sizes, each at least 1; got {list(layer_sizes)}")
    return int(sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)))
    # END SOLUTION


def count_weights_and_biases(layer_sizes):
    """The weights Σ n_in·n_out and the biases Σ n_out of a fully connected network, separately.

    Args:
        layer_sizes: neurons per layer, input layer first, e.g. [2, 3, 1].

    Returns:
        (weights, biases), two ints.

    Raises:
        ValueError: for fewer than two layer sizes, or a size below 1.

    Lecture: section 7, "Hidden layers" (2-3-1: weights 2·3 + 3·1 = 9, biases 3 + 1 = 4).
    """
    # BEGIN SOLUTION
    # HINT: every layer after the input has one bias per neuron; the input layer has none.
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError(f"need at least two layer sizes, each at least 1; got {list(layer_sizes)}")
    weights = sum(n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
    biases = sum(layer_sizes[1:])
    return int(weights), int(biases)
    # END SOLUTION


def count_module_parameters(model):
    """The number of trainable parameters of a torch.nn.Module.

    A parameter tensor counts with all its elements (`numel()`) when it has
    `requires_grad` set; frozen parameters are not trained, so they do not count.

    Args:
        model: a torch.nn.Module, e.g. nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)).

    Returns:
        The number of trainable parameters, an int.

    Lecture: Lecture 5, the PyTorch MNIST model (784 → 128 → 10: 101,770 parameters).
    """
    # BEGIN SOLUTION
    # HINT: loop over model.parameters(); p.numel() counts a tensor's elements, p.requires_grad says if it trains.
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
    # END SOLUTION
