#!/usr/bin/env python3
"""Writes a synthetic sales CSV of a given size, reproducibly (same seed, same bytes).

Usage: generate_sales.py OUTPUT.csv [--rows N | --megabytes M] [--seed S]
Columns: order_id,order_date,region,product,quantity,unit_price,customer
"""
import argparse
import datetime
import os
import random
import sys

REGIONS = ["north", "south", "east", "west", "central"]
PRODUCTS = [("widget", 4.99), ("gadget", 12.50), ("gizmo", 29.95), ("doohickey", 2.25), ("sprocket", 7.80),
            ("café crème", 3.40), ("thingamajig", 54.00)]


def rows(seed):
    rng = random.Random(seed)
    start = datetime.date(2024, 1, 1)
    order_id = 0
    while True:
        order_id += 1
        product, base = PRODUCTS[rng.randrange(len(PRODUCTS))]
        day = start + datetime.timedelta(days=rng.randrange(366))
        quantity = rng.randint(1, 20)
        price = round(base * rng.uniform(0.8, 1.2), 2)
        customer = f"C{rng.randrange(100000):05d}"
        yield f"{order_id},{day.isoformat()},{rng.choice(REGIONS)},{product},{quantity},{price:.2f},{customer}\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--rows", type=int, default=None)
    size.add_argument("--megabytes", type=float, default=None)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    limit_rows = args.rows if args.rows is not None else (None if args.megabytes is not None else 10000)
    limit_bytes = int(args.megabytes * 1024 * 1024) if args.megabytes is not None else None

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    temp = args.output + ".tmp"
    written = 0
    count = 0
    with open(temp, "w", encoding="utf-8", newline="") as f:
        header = "order_id,order_date,region,product,quantity,unit_price,customer\n"
        f.write(header)
        written += len(header.encode())
        for line in rows(args.seed):
            if limit_rows is not None and count >= limit_rows:
                break
            if limit_bytes is not None and written >= limit_bytes:
                break
            f.write(line)
            written += len(line.encode())
            count += 1
    os.replace(temp, args.output)
    print(f"wrote {count} rows ({written / 1024 / 1024:.1f} MiB) to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
