#!/usr/bin/env python3
"""Baselines for bench/engine: nbclient as a fresh process, nbclient repeated in one process, jupyter_client round trips.

  nbclient_run.py run NOTEBOOK OUTPUT               execute once with nbclient, write the executed notebook
  nbclient_run.py repeat NOTEBOOK N                 N executions in a row in this process; prints one duration (s) per line
  nbclient_run.py roundtrip N                       N 'pass' round trips on one kernel with jupyter_client; prints ms per line
"""
import os
import sys
import time

import nbclient
import nbformat


def run(path, output):
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}).execute()
    nbformat.write(nb, output)


def repeat(path, n):
    source = nbformat.read(path, as_version=4)
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(n):
        nb = nbformat.from_dict(source)
        start = time.perf_counter()
        nbclient.NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
        print(f"{time.perf_counter() - start:.6f}", flush=True)


def roundtrip(n):
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        kc.execute_interactive("pass", timeout=30)  # warm-up
        for _ in range(n):
            start = time.perf_counter()
            kc.execute_interactive("pass", timeout=30)
            print(f"{(time.perf_counter() - start) * 1000:.4f}", flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "run":
        run(sys.argv[2], sys.argv[3])
    elif command == "repeat":
        repeat(sys.argv[2], int(sys.argv[3]))
    elif command == "roundtrip":
        roundtrip(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
