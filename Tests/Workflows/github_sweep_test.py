#!/usr/bin/env python3
"""Runs the shard and merge steps of .github/workflows/sweep.yml here, as GitHub's runners
would, on a small notebook:

    python3 Tests/Workflows/github_sweep_test.py [path/to/folio]

Each `run:` step of the `shard` job runs once per matrix value (the matrix is read from the
workflow) in a copy of a small project; `actions/upload-artifact` and
`actions/download-artifact` are emulated by copying the folders they name. The `render` job's
steps then merge the caches and check. Checks: every shard exits 0, the merged render trains
nothing, its results equal a single cold build's (wall times aside), and the check fails on
a stale committed results file. Steps that only set up a runner (`make build`) are skipped:
FOLIO points at the binary under test. Prints `workflow: N passed, N failed`.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOK = os.path.join(ROOT, "examples/sweep/sweep.md")


def substitute(text, matrix):
    return re.sub(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", lambda m: str(matrix[m.group(1)]), text)


def run_job(job, workspace, env, matrix, artifacts):
    for step in job["steps"]:
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout"):
            continue
        if uses.startswith("actions/upload-artifact"):
            name = substitute(step["with"]["name"], matrix)
            source = os.path.join(workspace, substitute(step["with"]["path"], matrix))
            assert os.path.isdir(source) and os.listdir(source), f"nothing to upload at {source}"
            shutil.copytree(source, os.path.join(artifacts, name), dirs_exist_ok=True)
            continue
        if uses.startswith("actions/download-artifact"):
            pattern = step["with"]["pattern"].replace("*", ".*")
            target = os.path.join(workspace, step["with"]["path"])
            for name in sorted(os.listdir(artifacts)):
                if re.fullmatch(pattern, name):
                    shutil.copytree(os.path.join(artifacts, name), os.path.join(target, name), dirs_exist_ok=True)
            continue
        command = step.get("run")
        if command is None or command.strip().startswith("make "):
            continue
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", substitute(command, matrix)], cwd=workspace,
                                env=env, capture_output=True, text=True)
        yield step.get("name", command), result
        if result.returncode != 0:
            return  # as on GitHub: a failed step ends its job


def without_times(path):
    text = open(path).read()
    return re.sub(r'"seconds" : [0-9.e+-]+', "", text)


def main():
    folio = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/folio"))
    workflow = yaml.safe_load(open(os.path.join(ROOT, ".github/workflows/sweep.yml")))
    passed = failed = 0

    def check(name, condition, detail=""):
        nonlocal passed, failed
        if condition:
            passed += 1
            print(f"ok: {name}")
        else:
            failed += 1
            print(f"FAILED: {name}\n{detail}")

    base = tempfile.mkdtemp(prefix="folio-workflow-")
    try:
        project = os.path.join(base, "project")
        os.makedirs(os.path.join(project, "notebooks"))
        shutil.copy(NOTEBOOK, os.path.join(project, "notebooks", "sweep.md"))
        # What the repository commits: a report built once, in one process.
        single = subprocess.run([folio, "build", "notebooks", "--cache-dir", os.path.join(base, "single-cache")],
                                cwd=project, capture_output=True, text=True)
        check("a single build of the project", single.returncode == 0, single.stderr)
        env = dict(os.environ)
        env.update({k: str(v) for k, v in workflow["env"].items()})
        env.update(FOLIO=folio, CI="true")
        artifacts = os.path.join(base, "artifacts")
        os.makedirs(artifacts)
        for value in workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"]:
            workspace = os.path.join(base, f"runner-{value}")
            shutil.copytree(project, workspace)
            for name, result in run_job(workflow["jobs"]["shard"], workspace, env, {"shard": value}, artifacts):
                check(f"shard {value}: {name}", result.returncode == 0, result.stderr)
        render = os.path.join(base, "runner-render")
        shutil.copytree(project, render)
        outputs = list(run_job(workflow["jobs"]["render"], render, env, {}, artifacts))
        for name, result in outputs:
            check(f"render: {name}", result.returncode == 0, result.stderr)
        last = outputs[-1][1].stderr if outputs else ""
        check("the render trained nothing", "(0 run(s) trained;" in last, last)
        check("the render's results equal the single build's",
              without_times(os.path.join(render, "checked-output/sweep.json")) == without_times(os.path.join(project, "output/sweep.json")))
        # A stale committed file: the render job's check must fail, naming the run.
        committed = os.path.join(render, "output/sweep.json")
        data = json.load(open(committed))
        data["runs"][0]["seeds"][0]["epochs"][0]["loss"] += 0.5
        json.dump(data, open(committed, "w"), indent=2)
        stale = list(run_job(workflow["jobs"]["render"], render, env, {}, artifacts))[-1][1]
        check("the check fails on a stale committed results file",
              stale.returncode == 1 and "error: stale: run sweep/batch_size=8/learning_rate=0.01 seed 0 epoch 1.loss" in stale.stderr,
              stale.stderr)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"workflow: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
