#!/usr/bin/env bash
# The main job: generates sample sales data (once), then fans the sample notebook out over it on the local
# durable host (Azurite started by nbf itself when none is listening), one fresh kernel per chunk.
#   scripts/run-sample.sh [ROWS]      (default 200000 rows, about 9 MiB, cut into 2 MiB chunks)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
scripts/azurite.sh install
rows="${1:-200000}"
sample=samples/sales
data="$sample/data/sales-$rows.csv"
[ -f "$data" ] || /usr/bin/python3 "$sample/generate_sales.py" "$data" --rows "$rows"
run="sales-$(date -u +%Y%m%d-%H%M%S)"
./nbf run "$sample/sales_analysis.ipynb" --input "$data" --split 2MB --parallel 2 --run-id "$run" -p top_n=5
./nbf results "$run" -o "$sample/out/$run"
echo "merged summary ($sample/out/$run/results/summary_by_region.csv), one block of regions per chunk:"
head -6 "$sample/out/$run/results/summary_by_region.csv"
