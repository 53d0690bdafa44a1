#!/usr/bin/env python3
"""Checks the package's sources for what review would otherwise have to catch by eye.

1. Each target's declared dependencies (Package.swift, read through `swift package
   dump-package`) are exactly the modules its files import, apart from the platform's own
   (Foundation, Glibc, Testing, ...); a test target may also declare the executable it runs,
   so that it is built first.
2. Every import stands at the top of its file, before any declaration.
3. No function, initializer, deinitializer or subscript in Sources/ is longer than
   MAX_LINES lines, counted from its declaration to its closing brace.

Run from the package root: python3 Tests/Lint/check_sources.py [--swift swift]. Exits 1 and
lists every violation, else prints one line per check.
"""
import json
import os
import re
import subprocess
import sys

MAX_LINES = 60
PLATFORM = {"Foundation", "FoundationEssentials", "Glibc", "Darwin", "Dispatch", "Synchronization", "Testing",
            "XCTest", "Accelerate", "PackageDescription"}
IMPORT = re.compile(r"^\s*(?:@testable\s+|@_exported\s+)?import\s+(?:struct\s+|enum\s+|class\s+|func\s+)?(\w+)")
FUNC = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|package|static|class|"
                  r"override|mutating|nonmutating|final|convenience|required|@inline\(__always\)|@discardableResult)\s+)*"
                  r"(func\s+[^\s(<]+|init[?!]?|deinit|subscript)\s*[(<{]?")


def swift_files(directory):
    for root, _, files in os.walk(directory):
        for name in sorted(files):
            if name.endswith(".swift"):
                yield os.path.join(root, name)


def target_paths(package):
    for target in package["targets"]:
        if target["type"] in ("system", "binary", "plugin"):
            continue
        default = "Tests" if target["type"] == "test" else "Sources"
        path = target.get("path") or os.path.join(default, target["name"])
        yield target, path


def dependency_names(target):
    names = set()
    for dependency in target["dependencies"]:
        for kind in ("byName", "target", "product"):
            if kind in dependency:
                names.add(dependency[kind][0])
    return names


def imports_of(path):
    found = set()
    for file in swift_files(path):
        with open(file, encoding="utf-8") as handle:
            for line in handle:
                match = IMPORT.match(line)
                if match:
                    found.add(match.group(1))
    return found - PLATFORM


def check_dependencies(package):
    problems = []
    executables = {target["name"] for target in package["targets"] if target["type"] == "executable"}
    for target, path in target_paths(package):
        if not os.path.isdir(path) or not any(True for _ in swift_files(path)):
            continue
        declared, imported = dependency_names(target), imports_of(path)
        undeclared = sorted(imported - declared - {target["name"]})
        unused = declared - imported
        if target["type"] == "test":
            # A test target may declare the executable it runs, so that it is built first.
            unused -= executables
        unused = sorted(unused)
        if undeclared:
            problems.append(f"{target['name']}: imports {', '.join(undeclared)} without declaring it in Package.swift")
        if unused:
            problems.append(f"{target['name']}: declares {', '.join(unused)} in Package.swift but no file imports it")
    return problems


def check_import_placement(paths):
    problems = []
    for path in paths:
        for file in swift_files(path):
            seen_code = False
            with open(file, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    stripped = line.strip()
                    if not stripped or stripped.startswith("//"):
                        continue
                    if stripped.startswith("#if") or stripped.startswith("#elseif") or stripped.startswith("#else") \
                            or stripped.startswith("#endif"):
                        continue
                    if IMPORT.match(line):
                        if seen_code:
                            problems.append(f"{file}:{number}: import after the first declaration")
                        continue
                    seen_code = True
    return problems


def strip_strings(line):
    """The line without string literals and line comments, so that braces inside them do
    not count. Multi-line string literals are handled by the caller."""
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    index = line.find("//")
    return line if index < 0 else line[:index]


def check_function_lengths(paths):
    problems = []
    for path in paths:
        for file in swift_files(path):
            with open(file, encoding="utf-8") as handle:
                lines = handle.read().split("\n")
            in_multiline_string = False
            cleaned = []
            for line in lines:
                if in_multiline_string:
                    if '"""' in line:
                        in_multiline_string = False
                    cleaned.append("")
                    continue
                if line.count('"""') == 1:
                    in_multiline_string = True
                    cleaned.append(strip_strings(line.split('"""')[0]))
                    continue
                cleaned.append(strip_strings(line))
            for start, line in enumerate(cleaned):
                match = FUNC.match(line)
                if not match:
                    continue
                # Find the body's opening brace (the signature may span lines), then its end.
                depth, opened, end = 0, False, None
                for index in range(start, len(cleaned)):
                    text = cleaned[index]
                    if not opened and index > start and FUNC.match(text):
                        break  # a protocol requirement: no body
                    for character in text:
                        if character == "{":
                            depth += 1
                            opened = True
                        elif character == "}":
                            depth -= 1
                    if opened and depth <= 0:
                        end = index
                        break
                if end is not None and end - start + 1 > MAX_LINES:
                    name = match.group(1)
                    problems.append(f"{file}:{start + 1}: {name} is {end - start + 1} lines long (at most {MAX_LINES})")
    return problems


def main():
    swift = sys.argv[sys.argv.index("--swift") + 1] if "--swift" in sys.argv else "swift"
    package = json.loads(subprocess.run([swift, "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
    paths = [path for _, path in target_paths(package) if os.path.isdir(path)]
    source_paths = [path for target, path in target_paths(package) if target["type"] != "test" and os.path.isdir(path)]
    checks = [
        ("declared dependencies equal imports", check_dependencies(package)),
        ("imports at the top of every file", check_import_placement(paths)),
        (f"no function in Sources/ over {MAX_LINES} lines", check_function_lengths(source_paths)),
    ]
    failed = False
    for name, problems in checks:
        if problems:
            failed = True
            print(f"check_sources: {name}: {len(problems)} problem(s)")
            for problem in problems:
                print("  " + problem)
        else:
            print(f"check_sources: {name}: ok")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
