#!/usr/bin/env python3
"""Fits the constants of Folio's cost model (Sources/Folio/Planning/CostModel.swift) to
measured runs, and reports how close the estimates come.

    folio plan notebooks/batch-normalization.md --json --refresh > plan.json
    python3 bench/fit_cost_model.py plan.json output/batch-normalization.json [--check]

The plan gives each run's counted work (steps, flops, values, parameters); the results
file gives each seed's measured wall seconds of training. The model is linear in its five
constants, fitted by non-negative least squares on relative error (every run weighs the
same, short or long). With --check it fits nothing and compares the plan's own estimates
with the measured times: the share of runs within a factor of 2, and the worst ratios.
"""
import json
import sys

import numpy as np


def rows(plan, results):
    measured = {}
    for run in results["runs"]:
        seeds = run["seeds"]
        # A diverged seed stopped early: its time says nothing of a whole run's.
        if any(s.get("divergence") for s in seeds):
            continue
        measured[run["name"]] = sum(sum(e["seconds"] for e in s["epochs"]) for s in seeds) / len(seeds)
    for run in plan["runs"]:
        work = run.get("work")
        if work is None or run["name"] not in measured:
            continue
        yield run, work, measured[run["name"]]


def features(work):
    epochs, steps = work["epochs"], work["stepsPerEpoch"]
    return [
        epochs * steps,
        epochs * steps * work["layers"],
        epochs * steps * work["updateFactor"] * work["parameters"],
        epochs * work["examples"] * work["flopsPerExample"],
        epochs * work["examples"] * work["valuesPerExample"],
    ]


def main():
    plan = json.load(open(sys.argv[1]))[0]
    results = json.load(open(sys.argv[2]))
    data = list(rows(plan, results))
    if "--check" in sys.argv:
        ratios = sorted(((run["estimatedSeconds"] / run["seeds"]) / seconds, run["name"]) for run, _, seconds in data)
        within = sum(1 for ratio, _ in ratios if 0.5 <= ratio <= 2)
        print(f"{within} of {len(ratios)} runs ({100 * within / len(ratios):.0f} %) estimated within a factor of 2")
        for ratio, name in ratios[:3] + ratios[-3:]:
            print(f"  {name}: estimate / measured = {ratio:.2f}")
        return
    x = np.array([features(work) for _, work, _ in data], dtype=float)
    y = np.array([seconds for _, _, seconds in data])
    a, b = x / y[:, None], np.ones(len(y))
    try:
        from scipy.optimize import nnls
        constants, _ = nnls(a, b)
    except ImportError:
        constants = np.clip(np.linalg.lstsq(a, b, rcond=None)[0], 0, None)
    names = ["stepOverhead", "layerOverhead", "updateCost", "1/flopRate", "valueCost"]
    for name, value in zip(names, constants):
        print(f"{name} = {value:.3e}" + (f"   (flopRate = {1 / value:.3e})" if name == "1/flopRate" and value > 0 else ""))
    ratios = (x @ constants) / y
    print(f"fitted: {np.mean((ratios >= 0.5) & (ratios <= 2)) * 100:.0f} % of {len(y)} runs within a factor of 2; "
          f"ratios {ratios.min():.2f}–{ratios.max():.2f}")


if __name__ == "__main__":
    main()
