"""The torch models that recipes build: instrumented MLPs, and a model whose validation loss follows a script."""

from __future__ import annotations

import math

import torch


class Dropout(torch.nn.Module):
    """Inverted dropout whose masks come from the model's own `generator`, so that twins drop the same units."""

    def __init__(self, p: float, generator: torch.Generator) -> None:
        super().__init__()
        self.p, self.generator = p, generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        keep = torch.rand(x.shape, generator=self.generator) >= self.p
        return x * keep.to(x.device) / (1 - self.p)


class SeededMLP(torch.nn.Sequential):
    """Linear layers with ReLU between; with `refuse_grad`, calling it while autograd records raises RuntimeError."""

    def __init__(self, *layers: torch.nn.Module, refuse_grad: bool = False) -> None:
        super().__init__(*layers)
        self.refuse_grad = refuse_grad

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.refuse_grad and torch.is_grad_enabled():
            raise RuntimeError("the model was called while autograd was recording gradients; "
                               "evaluate it inside `with torch.no_grad():`")
        return super().forward(x)


def seeded_mlp(layer_sizes: list[int], seed: int = 0, dropout: float = 0.0, refuse_grad: bool = False,
               eval_mode: bool = False, device: str = "cpu") -> SeededMLP:
    """See the recipe of the same name."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    layers: list = []
    for i, (n_in, n_out) in enumerate(zip(layer_sizes, layer_sizes[1:], strict=False)):
        if i:
            layers.append(torch.nn.ReLU())
            if dropout:
                layers.append(Dropout(dropout, generator))
        layers.append(torch.nn.Linear(n_in, n_out))
    model = SeededMLP(*layers, refuse_grad=refuse_grad).to(device)
    return model.eval() if eval_mode else model


class ScriptedModel(torch.nn.Module):
    """A model for testing `fit` on its own: inputs are (B, 2) rows [flag, x].

    A validation batch (flag 1) gets, whatever w is, logits whose cross-entropy with label 0 is the
    next of `val_losses` (the last one repeats). With `scripted_weights`, the validation of epoch k also
    sets the weights to `scripted_weights_of(k)` and training rows (flag 0) carry no gradient, so what
    fit leaves in w tells which epoch's weights it kept, whatever the training loop does; without, the
    training rows get logits x·w, trained as usual.
    """

    def __init__(self, val_losses: list[float], scripted_weights: bool = True) -> None:
        super().__init__()
        self.val_losses = list(val_losses)
        self.scripted_weights = scripted_weights
        self.w = torch.nn.Parameter(torch.tensor([0.5, -0.5]))
        self._validations = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if bool(x[0, 0] == 1):
            epoch = self._validations
            self._validations += 1
            if self.scripted_weights:
                with torch.no_grad():
                    self.w.copy_(torch.tensor(scripted_weights_of(epoch)))
            loss = self.val_losses[min(epoch, len(self.val_losses) - 1)]
            c = math.log(math.expm1(loss))  # cross_entropy([0, c], 0) = log(1 + e^c) = loss
            return torch.tensor([0.0, c], device=x.device).expand(len(x), 2)
        return x[:, 1:2] * self.w * (0.0 if self.scripted_weights else 1.0)


def scripted_weights_of(epoch: int) -> list[float]:
    """The weights a scripted model holds from the validation of `epoch` (0-based) on."""
    return [1.0 + epoch, -1.0 - 2.0 * epoch]
