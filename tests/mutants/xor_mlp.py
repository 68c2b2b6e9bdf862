MUTANTS = [
    ("xor_weights", "XOR_W2", "output weights [1, 0]: the network computes OR", """
XOR_W2 = np.array([1.0, 0.0])
"""),
    ("xor_weights", "XOR_B1", "both hidden neurons compute OR: the hidden space is not separable", """
XOR_B1 = np.array([-0.5, -0.5])
"""),
    ("xor_weights", "XOR_B2", "output bias +0.5: (0, 0) fires too", """
XOR_B2 = 0.5
"""),
    ("xor_weights", "XOR_B1", "the hidden biases written as a row of shape (1, 2)", """
XOR_B1 = np.array([[-0.5, -1.5]])
"""),
    ("xor_forward", "xor_forward", "returns the output neuron's pre-activation as floats", """
def xor_forward(X):
    h = step(np.asarray(X, dtype=float) @ XOR_W1.T + XOR_B1)
    return (h @ XOR_W2 + XOR_B2 >= 0).astype(float)
"""),
    ("xor_forward", "xor_forward", "hard-codes the XOR truth table instead of running the network", """
def xor_forward(X):
    X = np.asarray(X)
    return (X[:, 0] != X[:, 1]).astype(int)
"""),
    ("xor_forward", "xor_forward", "forgets the step in the hidden layer", """
def xor_forward(X):
    h = np.asarray(X, dtype=float) @ XOR_W1.T + XOR_B1
    return step(h @ XOR_W2 + XOR_B2)
"""),
    ("hidden_representation", "hidden_representation", "returns the pre-activations X W1ᵀ + b1", """
def hidden_representation(X):
    return np.asarray(X, dtype=float) @ XOR_W1.T + XOR_B1
"""),
    ("hidden_representation", "hidden_representation", "returns one column per input: shape (2, m)", """
def hidden_representation(X):
    return step(XOR_W1 @ np.asarray(X, dtype=float).T + XOR_B1[:, None])
"""),
    ("train_xor", "train_xor", "no hidden layer: logistic regression cannot learn XOR", """
def train_xor(seed=0):
    torch.manual_seed(seed)
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(500):
        optimizer.zero_grad()
        nn.BCELoss()(model(X), y).backward()
        optimizer.step()
    return model
"""),
    ("train_xor", "train_xor", "trains for only 10 steps", """
def train_xor(seed=0):
    torch.manual_seed(seed)
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid())
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(10):
        optimizer.zero_grad()
        nn.BCELoss()(model(X), y).backward()
        optimizer.step()
    return model
"""),
    ("train_xor", "train_xor", "returns logits, not probabilities (no sigmoid at the end)", """
def train_xor(seed=0):
    torch.manual_seed(seed)
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(500):
        optimizer.zero_grad()
        nn.BCEWithLogitsLoss()(model(X), y).backward()
        optimizer.step()
    return model
"""),
    ("train_xor", "train_xor", "returns a model whose output has shape (m,)", """
def train_xor(seed=0):
    torch.manual_seed(seed)
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([0.0, 1.0, 1.0, 0.0])
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid(), nn.Flatten(0))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(500):
        optimizer.zero_grad()
        nn.BCELoss()(model(X), y).backward()
        optimizer.step()
    return model
"""),
]
