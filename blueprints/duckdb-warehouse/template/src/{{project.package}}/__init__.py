"""Harbour Bikes' analytics warehouse: dbt models on DuckDB, and a command line to run them."""
