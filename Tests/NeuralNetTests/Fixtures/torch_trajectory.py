#!/usr/bin/env python3
"""PyTorch's training trajectory for Folio's engine to match step by step.

Writes torch_trajectory.json beside this script. Run once by a developer (not by CI), with
torch from PyPI: `pip install torch numpy && python3 Tests/NeuralNetTests/Fixtures/torch_trajectory.py`.
The Swift test `TorchTrajectoryTests` rebuilds the same networks, weights and batches and
compares.

Inputs are not stored: both sides draw them from the same 64-bit linear congruential
generator (below), whose 24-bit draws are exact in float32, in Folio's parameter layout
(dense weights [inputs, units], convolution weights [filters, channels * 3 * 3]), so the
fixture holds only what PyTorch computed.

Two trajectories:
- mlp: 784-300-100-10 with BatchNorm1d after each hidden dense layer (Keras's momentum 0.99
  and epsilon 0.001: PyTorch's momentum=0.01, eps=1e-3), ReLU, plain SGD at 0.01, 20 steps
  on 20 fixed batches of 32.
- cnn: the report's BN-CNN (conv 32 3x3, BN, ReLU, maxpool 2, conv 64 3x3, BN, ReLU, maxpool
  2, flatten, dense 128, BN, ReLU, dense 10) on 28x28x1 inputs, one Adam step at 0.001 on a
  batch of 64. Folio's Adam is Keras's, whose epsilon is added to sqrt(v) before the bias
  correction; PyTorch adds it after. For the first step the two agree exactly when
  PyTorch's eps is Keras's 1e-7 divided by sqrt(1 - beta2), which the script passes.

After each step the script records the loss of the step (computed before the update), and
for every parameter: all values when it has at most 1,024, else 256 values at fixed
positions and the Euclidean norm of its change since the start; for every BatchNorm layer
the running mean and both running variances: PyTorch's (unbiased batch variance) and the
biased one Keras keeps, computed here from each batch's biased variance with PyTorch's own
update formula. The CNN also records every parameter's gradient of that step (sampled and
its norm). Finally, the loss of a fixed evaluation batch in evaluation mode with each
running variance.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn

SAMPLES = 256
FULL = 1024


class Draws:
    """x <- 6364136223846793005 x + 1442695040888963407 (mod 2^64); u = top 24 bits / 2^24."""

    def __init__(self, seed):
        self.state = seed

    def uniform(self, count):
        out = np.empty(count, dtype=np.float64)
        x = self.state
        for i in range(count):
            x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
            out[i] = (x >> 40) / 16777216.0
        self.state = x
        return out

    def symmetric(self, count, limit):
        """(2u - 1) * limit, rounded to float32."""
        return ((2.0 * self.uniform(count) - 1.0) * limit).astype(np.float32)

    def labels(self, count):
        return (self.uniform(count) * 10).astype(np.int64)


def sample_positions(count):
    """SAMPLES positions spread over a parameter: k * count // SAMPLES."""
    return [k * count // SAMPLES for k in range(SAMPLES)]


def describe(values, start):
    flat = values.detach().double().reshape(-1).numpy()
    if flat.size <= FULL:
        return {"values": flat.tolist()}
    positions = sample_positions(flat.size)
    change = flat - start.reshape(-1)
    return {"samples": flat[positions].tolist(), "change_norm": float(np.sqrt((change * change).sum()))}


def describe_gradient(gradient):
    flat = gradient.detach().double().reshape(-1).numpy()
    if flat.size <= FULL:
        return {"values": flat.tolist()}
    return {"samples": flat[sample_positions(flat.size)].tolist(), "norm": float(np.sqrt((flat * flat).sum()))}


class Model:
    """A torch network whose parameters are listed in Folio's order and layout."""

    def __init__(self, layers, draws):
        self.net = nn.Sequential(*layers)
        self.folio = []  # (name, torch tensor, to_folio, from_folio)
        self.norms = []
        self.biased = {}
        index = 0
        for layer in layers:
            if isinstance(layer, nn.Linear):
                fan_in, fan_out = layer.in_features, layer.out_features
                w = draws.symmetric(fan_in * fan_out, math.sqrt(6.0 / (fan_in + fan_out)))
                layer.weight.data = torch.from_numpy(w.reshape(fan_in, fan_out).T.copy())
                layer.bias.data = torch.from_numpy(draws.symmetric(fan_out, 0.1))
                self.folio.append((f"{index}.weight", layer.weight, lambda t: t.T))
                self.folio.append((f"{index}.bias", layer.bias, lambda t: t))
            elif isinstance(layer, nn.Conv2d):
                f, c, k = layer.out_channels, layer.in_channels, layer.kernel_size[0]
                w = draws.symmetric(f * c * k * k, math.sqrt(6.0 / (c * k * k + f * k * k)))
                layer.weight.data = torch.from_numpy(w.reshape(f, c, k, k))
                layer.bias.data = torch.from_numpy(draws.symmetric(f, 0.1))
                self.folio.append((f"{index}.weight", layer.weight, lambda t: t))
                self.folio.append((f"{index}.bias", layer.bias, lambda t: t))
            elif isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
                n = layer.num_features
                layer.weight.data = torch.from_numpy((1.0 + draws.symmetric(n, 0.1)).astype(np.float32))
                layer.bias.data = torch.from_numpy(draws.symmetric(n, 0.1))
                self.folio.append((f"{index}.gamma", layer.weight, lambda t: t))
                self.folio.append((f"{index}.beta", layer.bias, lambda t: t))
                self.norms.append((index, layer))
                self.biased[index] = torch.ones(n)
                layer.register_forward_hook(self.hook(index))
            index += 1
        self.start = {name: to_folio(t).detach().double().numpy().copy() for name, t, to_folio in self.folio}

    def hook(self, index):
        def track(layer, inputs, output):
            if not layer.training:
                return
            x = inputs[0].detach()
            dims = [0] if x.dim() == 2 else [0, 2, 3]
            variance = x.var(dim=dims, unbiased=False)
            m = layer.momentum
            self.biased[index] = (1 - m) * self.biased[index] + m * variance
        return track

    def record(self, loss, gradients=False):
        entry = {"loss": loss, "parameters": {}, "running": {}}
        for name, tensor, to_folio in self.folio:
            entry["parameters"][name] = describe(to_folio(tensor), self.start[name])
        for index, layer in self.norms:
            entry["running"][str(index)] = {
                "mean": layer.running_mean.double().tolist(),
                "unbiased_variance": layer.running_var.double().tolist(),
                "biased_variance": self.biased[index].double().tolist(),
            }
        if gradients:
            entry["gradients"] = {name: describe_gradient(to_folio(t.grad)) for name, t, to_folio in self.folio}
        return entry

    def evaluation_losses(self, x, y):
        """Evaluation-mode loss with PyTorch's running variance, then with the biased one."""
        self.net.eval()
        with torch.no_grad():
            unbiased = float(nn.functional.cross_entropy(self.net(x), y))
            saved = [layer.running_var.clone() for _, layer in self.norms]
            for index, layer in self.norms:
                layer.running_var.copy_(self.biased[index])
            biased = float(nn.functional.cross_entropy(self.net(x), y))
            for (_, layer), variance in zip(self.norms, saved):
                layer.running_var.copy_(variance)
        self.net.train()
        return {"unbiased": unbiased, "biased": biased}


def batch(draws, count, shape):
    x = draws.uniform(count * int(np.prod(shape))).astype(np.float32).reshape((count, *shape))
    return torch.from_numpy(x), torch.from_numpy(draws.labels(count))


def train(model, optimizer, draws, steps, batch_size, shape, gradients=False):
    trajectory = []
    for _ in range(steps):
        x, y = batch(draws, batch_size, shape)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model.net(x), y)
        loss.backward()
        optimizer.step()
        trajectory.append(model.record(float(loss.detach()), gradients))
    return trajectory


def mlp():
    draws = Draws(seed=2015)
    bn = dict(eps=1e-3, momentum=0.01)
    model = Model([nn.Linear(784, 300), nn.BatchNorm1d(300, **bn), nn.ReLU(), nn.Linear(300, 100),
                   nn.BatchNorm1d(100, **bn), nn.ReLU(), nn.Linear(100, 10)], draws)
    optimizer = torch.optim.SGD(model.net.parameters(), lr=0.01)
    trajectory = train(model, optimizer, draws, steps=20, batch_size=32, shape=(784,))
    x, y = batch(draws, 100, (784,))
    return {"seed": 2015, "learning_rate": 0.01, "batch_size": 32, "steps": trajectory,
            "evaluation": model.evaluation_losses(x, y)}


def cnn():
    draws = Draws(seed=1998)
    bn = dict(eps=1e-3, momentum=0.01)
    model = Model([nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32, **bn), nn.ReLU(), nn.MaxPool2d(2),
                   nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64, **bn), nn.ReLU(), nn.MaxPool2d(2),
                   nn.Flatten(), nn.Linear(3136, 128), nn.BatchNorm1d(128, **bn), nn.ReLU(), nn.Linear(128, 10)],
                  draws)
    beta2 = 0.999
    optimizer = torch.optim.Adam(model.net.parameters(), lr=0.001, betas=(0.9, beta2),
                                 eps=1e-7 / math.sqrt(1 - beta2))
    trajectory = train(model, optimizer, draws, steps=1, batch_size=64, shape=(1, 28, 28), gradients=True)
    x, y = batch(draws, 100, (1, 28, 28))
    return {"seed": 1998, "learning_rate": 0.001, "batch_size": 64, "steps": trajectory,
            "evaluation": model.evaluation_losses(x, y)}


def rounded(value):
    """Floats to 9 significant digits (float32's precision), to keep the file small."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, list):
        return [rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    return value


def main():
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    fixture = {"generator": "torch " + torch.__version__, "samples": SAMPLES, "full": FULL,
               "mlp": mlp(), "cnn": cnn()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_trajectory.json")
    with open(path, "w") as file:
        json.dump(rounded(fixture), file, separators=(",", ":"))
        file.write("\n")
    print(f"wrote {path} ({os.path.getsize(path) // 1024} KiB)")


if __name__ == "__main__":
    main()
