#!/usr/bin/env python3
"""The benchmark's reference network and training loop, written from scratch in numpy.

784-300-100-10 with ReLU, optionally batch normalization between each hidden dense layer
and its ReLU (Keras's momentum 0.99 and epsilon 0.001, biased batch variance), softmax
cross-entropy, plain SGD, Glorot-uniform weights and zero biases, float32 throughout.
Fashion-MNIST scaled to [0, 1]; the first 5,000 training images are held out for
validation, as Folio does. Prints one JSON object per network and batch size, with the
keys of `folio bench --json`.

    python3 bench/numpy_mlp.py --network mlp-bn --batch-sizes 32 --epochs 3
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np

DEBIAN_DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            return path
    sys.exit(f"numpy_mlp.py: {os.path.join(directory, name)}: file not found")


def load(directory):
    images = read_idx(find(directory, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255
    labels = read_idx(find(directory, "train-labels-idx1-ubyte")).astype(np.int64)
    return (images[5000:], labels[5000:]), (images[:5000], labels[:5000])


class Network:
    def __init__(self, batchnorm, rng, momentum=0.99, epsilon=1e-3):
        sizes = [784, 300, 100, 10]
        self.weights, self.biases = [], []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            self.weights.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32))
            self.biases.append(np.zeros(fan_out, dtype=np.float32))
        self.batchnorm = batchnorm
        self.momentum, self.epsilon = np.float32(momentum), np.float32(epsilon)
        self.gammas = [np.ones(n, dtype=np.float32) for n in sizes[1:-1]]
        self.betas = [np.zeros(n, dtype=np.float32) for n in sizes[1:-1]]
        self.running_means = [np.zeros(n, dtype=np.float32) for n in sizes[1:-1]]
        self.running_vars = [np.ones(n, dtype=np.float32) for n in sizes[1:-1]]

    def forward(self, x, training):
        caches = []
        h = x
        for layer in range(2):
            z = h @ self.weights[layer] + self.biases[layer]
            cache = {"input": h}
            if self.batchnorm:
                if training:
                    mean = z.mean(axis=0)
                    var = z.var(axis=0)
                    m = self.momentum
                    self.running_means[layer] = m * self.running_means[layer] + (1 - m) * mean
                    self.running_vars[layer] = m * self.running_vars[layer] + (1 - m) * var
                else:
                    mean, var = self.running_means[layer], self.running_vars[layer]
                inv = 1 / np.sqrt(var + self.epsilon)
                x_hat = (z - mean) * inv
                z = self.gammas[layer] * x_hat + self.betas[layer]
                cache.update(x_hat=x_hat, inv=inv)
            h = np.maximum(z, 0)
            cache["output"] = h
            caches.append(cache)
        logits = h @ self.weights[2] + self.biases[2]
        return logits, caches

    def step(self, x, y, rate):
        logits, caches = self.forward(x, training=True)
        n = x.shape[0]
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        sums = exp.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(sums[:, 0]) - shifted[np.arange(n), y]))
        correct = int((logits.argmax(axis=1) == y).sum())
        grad = exp / sums
        grad[np.arange(n), y] -= 1
        grad /= n
        # Each layer's downstream gradient uses its weights before this step's update.
        h = caches[1]["output"]
        downstream = grad @ self.weights[2].T
        self.weights[2] -= rate * (h.T @ grad)
        self.biases[2] -= rate * grad.sum(axis=0)
        grad = downstream
        for layer in (1, 0):
            cache = caches[layer]
            grad = grad * (cache["output"] > 0)
            if self.batchnorm:
                x_hat, inv = cache["x_hat"], cache["inv"]
                dbeta = grad.sum(axis=0)
                dgamma = (grad * x_hat).sum(axis=0)
                grad = (self.gammas[layer] * inv / n) * (n * grad - dbeta - x_hat * dgamma)
                self.gammas[layer] -= rate * dgamma
                self.betas[layer] -= rate * dbeta
            weight = self.weights[layer]
            downstream = grad @ weight.T if layer > 0 else None
            weight -= rate * (cache["input"].T @ grad)
            self.biases[layer] -= rate * grad.sum(axis=0)
            grad = downstream
        return loss, correct

    def evaluate(self, x, y):
        logits, _ = self.forward(x, training=False)
        return float((logits.argmax(axis=1) == y).mean())


def train(network_name, batch_size, epochs, training, validation):
    rng = np.random.default_rng(0)
    net = Network(batchnorm=network_name == "mlp-bn", rng=rng)
    x, y = training
    rate = np.float32(0.01)
    seconds = []
    accuracy = float("nan")
    for epoch in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(len(x))
        for lower in range(0, len(x), batch_size):
            index = order[lower:lower + batch_size]
            net.step(x[index], y[index], rate)
        seconds.append(time.perf_counter() - start)
        accuracy = net.evaluate(*validation)
        print(f"numpy {network_name} batch {batch_size} epoch {epoch + 1}/{epochs}: {seconds[-1]:.3f} s, "
              f"val_accuracy {accuracy:.4f}", file=sys.stderr)
    median = float(np.median(seconds))
    return {"network": network_name, "batch_size": batch_size, "seconds_per_epoch": median,
            "samples_per_second": len(x) / median, "val_accuracy": accuracy, "epochs": epochs,
            "epoch_seconds": seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--network", default="mlp,mlp-bn")
    parser.add_argument("--batch-sizes", default="32")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--data", default=os.path.join(os.environ["FOLIO_DATA"], "fashion-mnist")
                        if "FOLIO_DATA" in os.environ else DEBIAN_DATA)
    args = parser.parse_args()
    training, validation = load(args.data)
    results = [train(name, int(size), args.epochs, training, validation)
               for name in args.network.split(",") for size in args.batch_sizes.split(",")]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
