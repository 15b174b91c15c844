#!/usr/bin/env python3
"""Baselines for bench/fanout, all with Debian's Python and packages.

  baselines.py split INPUT OUTDIR MEGABYTES      pre-split a CSV into line-aligned files, header on each
  baselines.py nbclient NOTEBOOK OUTDIR FILE...  what a papermill user does today: nbclient over each file in turn,
                                                 parameters injected after the parameters cell as papermill would
  baselines.py script NOTEBOOK INPUT OUTDIR      the floor: the notebook's code cells exec'd as one plain script
  baselines.py reduce OUTDIR DIR...              the floor's reduce: the partial summary_by_region.csv of each DIR
                                                 summed into OUTDIR/totals_by_region.csv, as sales_totals.ipynb does
  baselines.py exact INPUT OUTCSV                whole-file totals per region in integer cents (no float sums), to
                                                 check the reduce's totals against
"""
import copy
import os
import sys

import nbclient
import nbformat


def split(input_path, out_dir, megabytes):
    os.makedirs(out_dir, exist_ok=True)
    target = int(float(megabytes) * 1024 * 1024)
    with open(input_path, "rb") as source:
        header = source.readline()
        index = 0
        while True:
            block = source.read(target)
            if not block:
                break
            block += source.readline()
            with open(os.path.join(out_dir, f"part-{index:04d}.csv"), "wb") as part:
                part.write(header)
                part.write(block)
            index += 1
    print(index)


def inject(nb, parameters):
    cell = nbformat.v4.new_code_cell("# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in parameters.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    at = next((i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), 0)
    nb.cells.insert(at, cell)


def loop(notebook, out_dir, files):
    source = nbformat.read(notebook, as_version=4)
    folder = os.path.dirname(os.path.abspath(notebook))
    for index, path in enumerate(files):
        nb = copy.deepcopy(source)
        chunk_out = os.path.join(out_dir, str(index))
        os.makedirs(chunk_out, exist_ok=True)
        inject(nb, {"input_path": os.path.abspath(path), "output_dir": chunk_out})
        nbclient.NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
        nbformat.write(nb, os.path.join(chunk_out, "output.ipynb"))


def script(notebook, input_path, out_dir):
    nb = nbformat.read(notebook, as_version=4)
    namespace = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        exec(compile(cell.source, "<cell>", "exec"), namespace)
        if "parameters" in cell.metadata.get("tags", []):
            namespace.update(input_path=os.path.abspath(input_path), output_dir=out_dir)


def reduce(out_dir, dirs):
    import pandas as pd
    per_part = pd.concat([pd.read_csv(os.path.join(d, "summary_by_region.csv")) for d in dirs])
    totals = (per_part.groupby("region")
              .agg(orders=("orders", "sum"), units=("units", "sum"), revenue=("revenue", "sum"))
              .sort_index())
    totals["revenue"] = totals["revenue"].round(2)
    os.makedirs(out_dir, exist_ok=True)
    totals.to_csv(os.path.join(out_dir, "totals_by_region.csv"))


def exact(input_path, out_csv):
    import pandas as pd
    orders = pd.read_csv(input_path, usecols=["order_id", "region", "quantity", "unit_price"], dtype={"unit_price": str})
    orders = orders[orders["quantity"] >= 1]  # the notebook's default min_quantity
    # unit_price as written (at most two decimals) -> integer cents, so every sum below is exact.
    whole, _, fraction = orders["unit_price"].str.partition(".").T.values
    cents = whole.astype("int64") * 100 + pd.Series(fraction).str.ljust(2, "0").astype("int64").values
    orders = orders.assign(cents=orders["quantity"].astype("int64").values * cents)
    totals = orders.groupby("region").agg(orders=("order_id", "count"), units=("quantity", "sum"), cents=("cents", "sum")).sort_index()
    with open(out_csv, "w") as f:
        f.write("region,orders,units,revenue\n")
        for region, row in totals.iterrows():
            f.write(f"{region},{row.orders},{row.units},{row.cents // 100}.{row.cents % 100:02d}\n")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "split":
        split(*args)
    elif command == "nbclient":
        loop(args[0], args[1], args[2:])
    elif command == "script":
        script(*args)
    elif command == "reduce":
        reduce(args[0], args[1:])
    elif command == "exact":
        exact(*args)
    else:
        sys.exit(__doc__)
