"""evac's data-lake aggregation as a Spark job (PySpark).

Runs the SQL that `evac precompute --print-sql --dialect spark` printed, unchanged, over the
raw tables, and writes the aggregate tables `evac precompute --from-aggregates DIR` reads:

    evac precompute --print-sql --dialect spark --at "$AT" > evac-cells.sql
    spark-submit spark-aggregate.py --sql evac-cells.sql --tables s3://my-metrics/evac/ --out s3://my-evac/cells/$RUN/

--tables DIR holds device-traffic, service-demand and trace-samples as Parquet (a file
`NAME.parquet` or a directory `NAME/` of part files, date-partitioned or not); each is
registered as the view the SQL names (device_traffic, service_demand, trace_samples); with
--since DATE, a table partitioned by `dt` (directories dt=YYYY-MM-DD/) is read from that date on,
so the daily job reads only the lookback. Each
query is written to OUT/<table-dashed>/ (a directory of Parquet part files; --coalesce makes it
one part file). Run locally with `--master local[2]` (the default when not under spark-submit).
Prints one JSON line on stdout: the tables written, their row counts and the seconds taken.
"""

import argparse
import json
import os
import re
import sys
import time

SOURCES = {"device_traffic": "device-traffic", "service_demand": "service-demand", "trace_samples": "trace-samples"}


def split_queries(text):
    """The printed SQL: queries separated by ';', each headed by a '-- NAME_cells: ...' comment."""
    queries = []
    for chunk in text.split(";"):
        if not chunk.strip():
            continue
        match = re.search(r"^-- (\w+_cells):", chunk, re.MULTILINE)
        if match is None:
            sys.exit(f"spark-aggregate: a query in the SQL file has no '-- NAME_cells:' heading line: {chunk.strip()[:120]!r}")
        queries.append((match.group(1), chunk.strip()))
    if not queries:
        sys.exit("spark-aggregate: the SQL file holds no query (expected the output of `evac precompute --print-sql --dialect spark`)")
    return queries


def source_path(tables, stem):
    for candidate in (os.path.join(tables, f"{stem}.parquet"), os.path.join(tables, stem)):
        if "://" in tables or os.path.exists(candidate):
            return candidate
    sys.exit(f"spark-aggregate: no {stem}.parquet (file or directory) or {stem}/ in {tables}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sql", required=True, help="file holding the output of evac precompute --print-sql --dialect spark")
    parser.add_argument("--tables", required=True, help="directory of the raw tables as Parquet")
    parser.add_argument("--out", required=True, help="directory to write traffic-cells/, demand-cells/, trace-cells/ to")
    parser.add_argument("--master", default=None, help="Spark master when not run by spark-submit (default local[2])")
    parser.add_argument("--coalesce", action="store_true", help="write each table as one part file")
    parser.add_argument(
        "--since",
        default=None,
        help="UTC date YYYY-MM-DD: read only the partitions dt >= SINCE of tables partitioned by dt (lookbackDays + 1 days before --at keeps the answer the same)",
    )
    args = parser.parse_args()

    with open(args.sql, encoding="utf-8") as f:
        queries = split_queries(f.read())

    started = time.monotonic()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("evac-cells")
    if args.master or "SPARK_ENV_LOADED" not in os.environ:
        builder = (
            builder.master(args.master or "local[2]")
            .config("spark.driver.memory", "512m")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.showConsoleProgress", "false")
        )
    spark = builder.config("spark.sql.session.timeZone", "UTC").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    session_ready = time.monotonic()

    for view, stem in SOURCES.items():
        frame = spark.read.parquet(source_path(args.tables, stem))
        if args.since and "dt" in frame.columns:
            # A filter on the partition column: Spark lists and reads only those directories.
            frame = frame.where(frame["dt"].cast("string") >= args.since)
        frame.createOrReplaceTempView(view)

    written = {}
    for table, query in queries:
        frame = spark.sql(query)
        if args.coalesce:
            frame = frame.coalesce(1)
        target = os.path.join(args.out, table.replace("_", "-"))
        frame.write.mode("overwrite").parquet(target)
        written[table] = spark.read.parquet(target).count()
    spark.stop()
    done = time.monotonic()
    print(json.dumps({"tables": written, "sessionSeconds": round(session_ready - started, 2), "querySeconds": round(done - session_ready, 2), "totalSeconds": round(done - started, 2)}))


if __name__ == "__main__":
    main()
