#!/usr/bin/env python3
"""Folio's engine against the numpy reference, measured in one run on this machine.

Alternates `folio bench --json` and `bench/numpy_mlp.py` for several rounds (so that both
see the same machine load), takes the median seconds per epoch of each, and prints the
ratio Folio / numpy. Then checks the accuracy the issue asks of the engine: after one
epoch at batch 32, at least 0.845 with BN and 0.81 without; after ten, at least 0.88 with
BN. Exits 1 if an accuracy check fails; speed goals are reported, not enforced, because
timings on a shared machine are noisy.

    python3 bench/compare.py [--rounds 3] [--epochs 3] [--batch-sizes 32,256] [--skip-accuracy]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FOLIO = os.path.join(HERE, "..", ".build", "release", "folio")

# Seconds per epoch the engine must beat at these batch sizes (with BN), and the largest
# ratio to numpy's time allowed.
SPEED_GOALS = {32: 0.8, 256: 0.55}
RATIO_GOAL = 0.65


def run_json(command):
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"compare.py: {' '.join(command)} failed with exit code {result.returncode}")
    return json.loads(result.stdout)


def folio(networks, batch_sizes, epochs):
    return run_json([FOLIO, "bench", "--json", "--network", networks, "--batch-sizes", batch_sizes,
                     "--epochs", str(epochs)])


def numpy(networks, batch_sizes, epochs):
    return run_json([sys.executable, os.path.join(HERE, "numpy_mlp.py"), "--network", networks,
                     "--batch-sizes", batch_sizes, "--epochs", str(epochs)])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-sizes", default="32,256")
    parser.add_argument("--networks", default="mlp-bn,mlp")
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()

    times = {}  # (implementation, network, batch) -> [median seconds of each round]
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}/{args.rounds}", file=sys.stderr)
        for name, runner in (("folio", folio), ("numpy", numpy)):
            for row in runner(args.networks, args.batch_sizes, args.epochs):
                times.setdefault((name, row["network"], row["batch_size"]), []).append(row["seconds_per_epoch"])

    print(f"\nMedian seconds per epoch over {args.rounds} rounds of {args.epochs} epochs "
          f"(55,000 images, SGD 0.01), Folio and numpy alternating:\n")
    print(f"{'network':8} {'batch':>5} {'folio s':>8} {'numpy s':>8} {'ratio':>6} {'folio samples/s':>16}  goal")
    for network in args.networks.split(","):
        for batch in (int(b) for b in args.batch_sizes.split(",")):
            ours = statistics.median(times[("folio", network, batch)])
            theirs = statistics.median(times[("numpy", network, batch)])
            ratio = ours / theirs
            goal = ""
            if network == "mlp-bn" and batch in SPEED_GOALS:
                met = ours <= SPEED_GOALS[batch] and (batch != 32 or ratio <= RATIO_GOAL)
                target = f"<= {SPEED_GOALS[batch]} s" + (f", ratio <= {RATIO_GOAL}" if batch == 32 else "")
                goal = f"{'met' if met else 'MISSED'} ({target})"
            print(f"{network:8} {batch:>5} {ours:>8.3f} {theirs:>8.3f} {ratio:>6.2f} {55000 / ours:>16.0f}  {goal}")

    if args.skip_accuracy:
        return
    print("\nAccuracy (validation, 5,000 held-out training images, batch 32, seed 0):")
    failures = 0
    checks = [(1, "mlp-bn", 0.845), (1, "mlp", 0.81), (10, "mlp-bn", 0.88)]
    results = {}
    for epochs in sorted({c[0] for c in checks}):
        networks = ",".join(sorted({c[1] for c in checks if c[0] == epochs}))
        for row in folio(networks, "32", epochs):
            results[(epochs, row["network"])] = row["val_accuracy"]
    for epochs, network, minimum in checks:
        accuracy = results[(epochs, network)]
        ok = accuracy >= minimum
        failures += not ok
        print(f"  {network:7} after {epochs:2} epoch{'s' if epochs > 1 else ' '}: {accuracy:.4f} "
              f"({'ok' if ok else 'FAILED'}, at least {minimum})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
