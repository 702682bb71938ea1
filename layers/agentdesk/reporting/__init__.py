"""The reporting context: it only consumes the typed events of the stream (docs/reports.md).

- `domain/`: pure rules — what each event adds to the day's metrics (`metrics.py`), site-local days
  (`days.py`), the lake's declared schema (`lake_schema.py`), the report catalogue and CSV safety (`reports.py`).
- `aggregator.py`: Kinesis batches → per-agent daily metrics (idempotent on eventId), bad records → dead letters.
- `store.py`: the reporting table (metrics, eventId guards, dead letters).
- `lake.py`: where the raw events and the exports live in the lake bucket.
- `exports.py`: the daily exporter: lake files → DuckDB running `sql/*.sql` → Parquet and CSV.
"""
