#!/usr/bin/env python3
"""Checks that a training step allocates nothing, by counting heap allocations.

Preloads bench/malloc_count.c (compiled on the spot) into `folio bench` (mlp-bn and cnn-bn), run on a small
generated Fashion-MNIST stand-in (5,000 validation and 3,200 training images) for one
epoch at batch 32 (100 steps) and at batch 16 (200 steps). Everything but the number of
steps is the same, so the difference in allocations over the 100 extra steps is what a
step allocates. Measured twice: with BLAS on one thread and OpenBLAS's Haswell kernels
(Folio's own code: must be 0; the Cooperlake kernels' small-matrix sgemm path, which OpenBLAS
picks on CPUs with AVX-512 BF16, mallocs a buffer on every call) and with OpenBLAS's default
threads and kernels (whose threaded GEMM driver allocates its job records).

    python3 bench/allocations.py
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FOLIO = os.path.join(HERE, "..", ".build", "release", "folio")


def write_idx(directory, training_count):
    count = 5000 + training_count
    header = lambda words: b"".join(w.to_bytes(4, "big") for w in words)
    pixels = bytearray(count * 784)
    for image in range(count):
        pixels[image * 784 + image % 784] = 255
    with open(os.path.join(directory, "train-images-idx3-ubyte"), "wb") as f:
        f.write(header([0x803, count, 28, 28]) + bytes(pixels))
    with open(os.path.join(directory, "train-labels-idx1-ubyte"), "wb") as f:
        f.write(header([0x801, count]) + bytes(i % 10 for i in range(count)))


def allocations(shim, data, network, batch_size, blas_threads):
    environment = dict(os.environ, LD_PRELOAD=shim)
    if blas_threads:
        environment["OPENBLAS_NUM_THREADS"] = str(blas_threads)
        environment["OPENBLAS_CORETYPE"] = "HASWELL"
    result = subprocess.run(
        [FOLIO, "bench", "--json", "--network", network, "--batch-sizes", str(batch_size), "--epochs", "1",
         "--data", data], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=environment)
    match = re.search(r"malloc_count: (\d+) allocations", result.stderr)
    if result.returncode != 0 or not match:
        sys.exit(f"allocations.py: folio bench failed:\n{result.stderr[-2000:]}")
    return int(match.group(1))


def main():
    with tempfile.TemporaryDirectory() as scratch:
        shim = os.path.join(scratch, "malloc_count.so")
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", os.path.join(HERE, "malloc_count.c"), "-o", shim], check=True)
        write_idx(scratch, 3200)
        failed = False
        for network in ("mlp-bn", "cnn-bn"):
            for label, threads in (("BLAS on one thread, Haswell", 1), ("OpenBLAS default threads", None)):
                at32 = allocations(shim, scratch, network, 32, threads)
                at16 = allocations(shim, scratch, network, 16, threads)
                per_step = (at16 - at32) / 100
                print(f"{network:7} {label:27}: {at32} allocations with 100 steps, {at16} with 200: {per_step:.2f} per step")
                # A step's allocation shows as 1.00 or more; a one-off that depends on timing (the
                # helper thread going to sleep) as ±0.01.
                failed |= threads == 1 and abs(at16 - at32) >= 50
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
