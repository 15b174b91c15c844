#!/usr/bin/env bash
# The main job: generates sample sales data (once) and runs the sample notebook over it with nbf.
#   scripts/run-sample.sh [ROWS]      (default 200000 rows, about 9 MiB)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
rows="${1:-200000}"
sample=samples/sales
data="$sample/data/sales-$rows.csv"
[ -f "$data" ] || /usr/bin/python3 "$sample/generate_sales.py" "$data" --rows "$rows"
# Paths in -p are relative to the notebook's folder: the kernel runs there, as with papermill.
./nbf run "$sample/sales_analysis.ipynb" \
  -p input_path="data/sales-$rows.csv" -p output_dir=out -p top_n=5 \
  -o "$sample/out/sales_analysis.output.ipynb"
echo "summary: $sample/out/summary_by_region.csv"
cat "$sample/out/summary_by_region.csv"
