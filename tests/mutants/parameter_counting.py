MUTANTS = [
    ("count_parameters", "count_parameters", "forgets the biases", """
def count_parameters(layer_sizes):
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError("bad sizes")
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
"""),
    ("count_parameters", "count_parameters", "gives the input layer biases too", """
def count_parameters(layer_sizes):
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError("bad sizes")
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])) + sum(layer_sizes)
"""),
    ("count_parameters", "count_parameters", "does not validate the sizes", """
def count_parameters(layer_sizes):
    return sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
"""),
    ("count_parameters", "count_parameters", "hard-codes the lecture's networks", """
def count_parameters(layer_sizes):
    known = {(2, 2, 1): 9, (2, 3, 1): 13, (3, 4, 4, 2): 46, (784, 128, 10): 101770, (784, 128, 64, 10): 109386}
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError("bad sizes")
    return known.get(tuple(layer_sizes), 0)
"""),
    ("count_parameters", "count_parameters", "returns a float", """
def count_parameters(layer_sizes):
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError("bad sizes")
    return float(sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])))
"""),
    ("count_weights_and_biases", "count_weights_and_biases", "returns (biases, weights)", """
def count_weights_and_biases(layer_sizes):
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError("bad sizes")
    return sum(layer_sizes[1:]), sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
"""),
    ("count_weights_and_biases", "count_weights_and_biases", "counts biases for the input layer too", """
def count_weights_and_biases(layer_sizes):
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError("bad sizes")
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])), sum(layer_sizes)
"""),
    ("count_weights_and_biases", "count_weights_and_biases", "does not validate the sizes", """
def count_weights_and_biases(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])), sum(layer_sizes[1:])
"""),
    ("count_module_parameters", "count_module_parameters", "counts frozen parameters too", """
def count_module_parameters(model):
    return sum(p.numel() for p in model.parameters())
"""),
    ("count_module_parameters", "count_module_parameters", "counts parameter tensors, not their elements", """
def count_module_parameters(model):
    return sum(1 for p in model.parameters() if p.requires_grad)
"""),
    ("count_module_parameters", "count_module_parameters", "counts only weight matrices", """
def count_module_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad and p.dim() > 1)
"""),
]
