"""Starts awslambdaric with Lambda's module search order.

awslambdaric's own `python -m awslambdaric` relies on the working directory being sys.path[0];
the managed runtime instead puts the function directory first, then layers, then the runtime
(boto3 and friends), so a function's own copy of a package wins over the runtime's.
"""
import os
import sys


def lambda_sys_path(current):
    task_root = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
    runtime_dir = os.environ.get("LAMBDA_RUNTIME_DIR", "/var/runtime")
    version = "python%d.%d" % sys.version_info[:2]
    front = [task_root, "/opt/python/lib/%s/site-packages" % version, "/opt/python", runtime_dir]
    rest = [entry for entry in current if entry not in front and entry not in ("", os.path.dirname(__file__))]
    return front + rest


def main():
    handler = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("_HANDLER", "")
    sys.path[:] = lambda_sys_path(sys.path)
    from awslambdaric.__main__ import main as ric_main

    ric_main([sys.argv[0], handler])


if __name__ == "__main__":
    main()
