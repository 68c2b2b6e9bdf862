"""The torch models that recipes build: instrumented MLPs, and a model whose validation loss follows a script."""

from __future__ import annotations

import gc
import math
from typing import Any

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

    Training rows (flag 0) get logits x·w from a trainable w of shape (2,). A validation batch (flag 1)
    gets, whatever w is, logits whose cross-entropy with label 0 is the next of `val_losses` (the last
    one repeats), and w is recorded. Methods for the grader: `weights()` (w now), `snapshots()` (w at
    each validation batch, (k, 2)), `devices()` (what `to` was given) and, with `watch_optimizers`,
    `optimizers()`: type and hyper-parameters of each optimizer that held w when training began, found
    through the garbage collector (about 0.1 s).
    """

    def __init__(self, val_losses: list[float], watch_optimizers: bool = False) -> None:
        super().__init__()
        self.val_losses, self.watch_optimizers = list(val_losses), watch_optimizers
        self.w = torch.nn.Parameter(torch.tensor([0.5, -0.5]))
        self._snapshots: list = []
        self._devices: list[str] = []
        self._optimizers: list[dict] | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if bool(x[0, 0] == 1):
            loss = self.val_losses[min(len(self._snapshots), len(self.val_losses) - 1)]
            self._snapshots.append(self.w.detach().clone())
            c = math.log(math.expm1(loss))  # cross_entropy([0, c], 0) = log(1 + e^c) = loss
            return torch.tensor([0.0, c], device=x.device).expand(len(x), 2)
        if self.watch_optimizers and self._optimizers is None:
            self._optimizers = self._find_optimizers()
        return x[:, 1:2] * self.w

    def _find_optimizers(self) -> list[dict]:
        keys = ("lr", "momentum", "dampening", "weight_decay", "nesterov")
        return [{"type": type(o).__name__, **{k: float(g[k]) for g in o.param_groups[:1] for k in keys if k in g}}
                for o in gc.get_objects() if issubclass(type(o), torch.optim.Optimizer)
                and any(p is self.w for g in o.param_groups for p in g["params"])]

    def to(self, *args: Any, **kwargs: Any) -> Any:
        self._devices.append(str(args[0] if args else kwargs.get("device")))
        return super().to(*args, **kwargs)

    def weights(self) -> torch.Tensor:
        return self.w.detach().clone()

    def snapshots(self) -> torch.Tensor:
        return torch.stack(self._snapshots) if self._snapshots else torch.zeros(0, 2)

    def devices(self) -> list[str]:
        return list(self._devices)

    def optimizers(self) -> list[dict]:
        return list(self._optimizers or [])
