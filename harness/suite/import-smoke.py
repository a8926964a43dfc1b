"""Runs INSIDE the function's runtime: imports every top-level module and package of /var/task,
one by one, and prints one JSON line per module. Seeds 000/001 were import failures."""
import importlib
import json
import os
import sys
import time
import traceback

SKIP_SUFFIXES = (".dist-info", ".egg-info", ".data")
SKIP_NAMES = {"__pycache__", "bin", "tests", "test"}


def top_level_modules(root):
    names = set()
    for entry in sorted(os.listdir(root)):
        path = os.path.join(root, entry)
        if entry.startswith(".") or entry in SKIP_NAMES or entry.endswith(SKIP_SUFFIXES):
            continue
        if os.path.isdir(path):
            # A package, or a namespace package holding Python files.
            if entry.isidentifier() and any(
                f.endswith((".py", ".so")) or os.path.isdir(os.path.join(path, f)) for f in os.listdir(path)
            ):
                names.add(entry)
        elif entry.endswith(".py") and entry[:-3].isidentifier():
            names.add(entry[:-3])
        elif entry.endswith(".so"):
            names.add(entry.split(".")[0])
    return sorted(names)


def main():
    root = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
    sys.path.insert(0, root)
    for name in top_level_modules(root):
        started = time.perf_counter()
        record = {"module": name}
        try:
            importlib.import_module(name)
            record["ok"] = True
        except BaseException as error:  # SystemExit and friends are failures too
            record.update(
                ok=False,
                errorType=type(error).__name__,
                message=str(error),
                trace=traceback.format_exc(limit=3)[-1500:],
            )
        record["ms"] = round((time.perf_counter() - started) * 1000)
        print("IMPORT-SMOKE " + json.dumps(record), flush=True)


main()
