#!/usr/bin/env bash
# The main job: generates sample sales data (once), then fans the sample notebook out over it on the local
# durable host (Azurite started by nbf itself when none is listening), one fresh kernel per chunk, and reduces the
# chunks' summaries to the final totals per region with the reduce notebook the sample names (sales_totals.ipynb).
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
final="$sample/out/$run/reduce/files/totals_by_region.csv"
echo "final totals per region ($final):"
cat "$final"
# The same totals from one pass over the whole file, outside nbf: the fan-out and its reduce must agree to the cent.
/usr/bin/python3 - "$data" "$final" <<'PY'
import sys
import pandas as pd
orders = pd.read_csv(sys.argv[1])
orders = orders[orders['quantity'] >= 1]
orders['revenue'] = orders['quantity'] * orders['unit_price']
whole = orders.groupby('region')['revenue'].sum().round(2)
final = pd.read_csv(sys.argv[2]).set_index('region')['revenue']
cents = lambda s: (s * 100).round().astype('int64')
if not cents(whole).equals(cents(final)):
    sys.exit(f"final totals differ from one pass over the whole file:\n{pd.DataFrame({'fan-out': final, 'whole file': whole})}")
print(f"matches one pass over the whole file to the cent: {len(whole)} regions, {whole.sum():.2f} in all")
PY
