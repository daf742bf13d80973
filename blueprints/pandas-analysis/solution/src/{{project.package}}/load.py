"""Read the shipped CSV files into DataFrames with the types the analysis expects.

Reading is where the type of every column is decided. Left to guess, ``read_csv``
turns a column of whole numbers with one blank into ``float64`` and gives up on
prices like ``£4.20``; here each column gets a declared type instead. The raw
orders stay raw: text is not tidied and prices are not parsed yet. That is the
job of ``clean.py``.
"""

from pathlib import Path

import pandas as pd

ORDER_COLUMNS = {
    "Order ID": "order_id",
    "Order Date": "date",
    "Store": "store",
    "Product": "product",
    "Channel": "channel",
    "Qty": "quantity",
    "Unit Price": "unit_price",
    "Discount": "discount",
}
"""The columns of the orders export, mapped to the names used in the code."""


def load_orders(path: Path) -> pd.DataFrame:
    """Read the raw orders export, one row per order line, as it is.

    The columns are renamed with ``ORDER_COLUMNS`` and keep their order.
    ``quantity`` is a nullable ``Int64``; every other column is text (``str``),
    with blank cells missing. A file without one of the expected columns raises
    ``ValueError``.
    """
    orders = pd.read_csv(
        path,
        usecols=list(ORDER_COLUMNS),
        dtype={**dict.fromkeys(ORDER_COLUMNS, "str"), "Qty": "Int64"},
    )
    return orders[list(ORDER_COLUMNS)].rename(columns=ORDER_COLUMNS)


def load_stores(path: Path) -> pd.DataFrame:
    """Read the stores table: ``opened`` is a date, ``region`` a category."""
    return pd.read_csv(
        path,
        dtype={
            "store_id": "str",
            "name": "str",
            "city": "str",
            "region": "category",
            "seats": "int64",
        },
        parse_dates=["opened"],
        date_format="%Y-%m-%d",
    )


def load_products(path: Path) -> pd.DataFrame:
    """Read the products table: ``category`` is a category, ``unit_cost`` a float."""
    return pd.read_csv(
        path,
        dtype={"product": "str", "category": "category", "unit_cost": "float64"},
    )
