#!/usr/bin/env python3
"""Independent reference values for Folio's BatchNorm layer, computed with numpy in float64.

Writes batchnorm_reference.json beside this script. Two cases: a dense batch [N, C]
(BatchNorm1d) and an image batch [N, C, H, W] flattened per example in NCHW order
(BatchNorm2d: statistics per channel over batch, height and width).

For each case: the training-mode output y for input x with the given gamma and beta, the
gradients dx, dgamma, dbeta for an upstream gradient dy, the running mean and variance
after that one training step (starting from 0 and 1, momentum m: r = m r + (1 - m) batch,
biased variance), and the evaluation-mode output for x with those running statistics.

Run: python3 Tests/NeuralNetTests/Fixtures/batchnorm_reference.py
"""
import json
import os

import numpy as np


def batchnorm_case(name, shape, epsilon, momentum, seed):
    rng = np.random.default_rng(seed)
    n, c = shape[0], shape[1]
    x = rng.normal(loc=1.5, scale=2.0, size=shape)
    dy = rng.normal(size=shape)
    gamma = rng.uniform(0.5, 1.5, size=c)
    beta = rng.normal(size=c)

    axes = (0,) if len(shape) == 2 else (0, 2, 3)
    keep = (1, c) if len(shape) == 2 else (1, c, 1, 1)
    m = np.prod([shape[a] for a in axes])

    mean = x.mean(axis=axes)
    var = x.var(axis=axes)  # biased
    inv = 1.0 / np.sqrt(var + epsilon)
    x_hat = (x - mean.reshape(keep)) * inv.reshape(keep)
    y = gamma.reshape(keep) * x_hat + beta.reshape(keep)

    # Backward, written out from the chain rule rather than the simplified closed form.
    dbeta = dy.sum(axis=axes)
    dgamma = (dy * x_hat).sum(axis=axes)
    dx_hat = dy * gamma.reshape(keep)
    dvar = (dx_hat * (x - mean.reshape(keep)) * -0.5 * inv.reshape(keep) ** 3).sum(axis=axes)
    dmean = (-dx_hat * inv.reshape(keep)).sum(axis=axes) + dvar * (-2.0 * (x - mean.reshape(keep))).sum(axis=axes) / m
    dx = dx_hat * inv.reshape(keep) + dvar.reshape(keep) * 2.0 * (x - mean.reshape(keep)) / m + dmean.reshape(keep) / m

    running_mean = momentum * 0.0 + (1 - momentum) * mean
    running_var = momentum * 1.0 + (1 - momentum) * var
    y_eval = gamma.reshape(keep) * (x - running_mean.reshape(keep)) / np.sqrt(running_var.reshape(keep) + epsilon) \
        + beta.reshape(keep)

    flat = lambda a: [float(v) for v in np.asarray(a).reshape(-1)]
    return {
        "name": name,
        "shape": list(shape),
        "epsilon": epsilon,
        "momentum": momentum,
        "x": flat(x), "dy": flat(dy), "gamma": flat(gamma), "beta": flat(beta),
        "y": flat(y), "dx": flat(dx), "dgamma": flat(dgamma), "dbeta": flat(dbeta),
        "running_mean": flat(running_mean), "running_variance": flat(running_var),
        "y_eval": flat(y_eval),
    }


def main():
    cases = [
        batchnorm_case("dense", (8, 5), epsilon=0.001, momentum=0.9, seed=1),
        batchnorm_case("channels", (3, 2, 4, 3), epsilon=0.00001, momentum=0.8, seed=2),
    ]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "batchnorm_reference.json")
    with open(path, "w") as out:
        json.dump({"generator": "batchnorm_reference.py (numpy %s, float64)" % np.__version__, "cases": cases},
                  out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
