MUTANTS = [
    ("get_device", "get_device", "returns the string 'cpu' instead of a torch.device", """
def get_device():
    return "cuda" if torch.cuda.is_available() else "cpu"
"""),
    ("get_device", "get_device", "always the CPU, even where CUDA is available", """
def get_device():
    return torch.device("cpu")
"""),
    ("build_mlp", "build_mlp", "no ReLU between the layers", """
def build_mlp(layer_sizes=(784, 128, 10)):
    return nn.Sequential(*[nn.Linear(a, b) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])])
"""),
    ("train_one_epoch", "train_one_epoch", "never calls optimizer.zero_grad(): gradients pile up", """
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    total_loss, count = 0.0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        count += len(labels)
    return total_loss / count
"""),
    ("train_one_epoch", "train_one_epoch", "never calls optimizer.step(): the weights never change", """
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    total_loss, count = 0.0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        loss = loss_fn(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        total_loss += loss.item() * len(labels)
        count += len(labels)
    return total_loss / count
"""),
    ("evaluate", "evaluate", "forgets model.eval(): dropout stays on", """
def evaluate(model, loader, loss_fn, device):
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            total_loss += loss_fn(outputs, labels).item() * len(labels)
            correct += (outputs.argmax(dim=1) == labels).sum().item()
            count += len(labels)
    return total_loss / count, correct / count
"""),
    ("evaluate", "evaluate", "forgets torch.no_grad(): autograd records the evaluation", """
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        outputs = model(images)
        total_loss += loss_fn(outputs, labels).item() * len(labels)
        correct += (outputs.argmax(dim=1) == labels).sum().item()
        count += len(labels)
    return total_loss / count, correct / count
"""),
    ("fit", "fit", "keeps model.state_dict() without copying it, so the 'best' weights follow the model", """
def fit(model, train_loader, val_loader, epochs, lr, device, patience=None):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    best_loss, best_state, waited = float("inf"), None, 0
    for _ in range(epochs):
        history["train_loss"].append(train_one_epoch(model, train_loader, optimizer, loss_fn, device))
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
        if patience is None:
            continue
        if val_loss < best_loss:
            best_loss, best_state, waited = val_loss, model.state_dict(), 0
        else:
            waited += 1
            if waited >= patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
"""),
    ("fit", "fit", "ignores patience: always runs every epoch", """
def fit(model, train_loader, val_loader, epochs, lr, device, patience=None):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        history["train_loss"].append(train_one_epoch(model, train_loader, optimizer, loss_fn, device))
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
    return history
"""),
    ("fit", "fit", "SGD with momentum 0.9 instead of plain SGD", """
def fit(model, train_loader, val_loader, epochs, lr, device, patience=None):
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        history["train_loss"].append(train_one_epoch(model, train_loader, optimizer, loss_fn, device))
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
    return history
"""),
    ("train_one_epoch", "train_one_epoch", "returns the last batch's loss, not the epoch's mean", """
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        loss = loss_fn(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()
"""),
    ("evaluate", "evaluate", "divides the hits by the number of batches, not of examples", """
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct, count, batches = 0.0, 0, 0, 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            total_loss += loss_fn(outputs, labels).item() * len(labels)
            correct += (outputs.argmax(dim=1) == labels).sum().item()
            count += len(labels)
            batches += 1
    return total_loss / count, correct / batches
"""),
]
