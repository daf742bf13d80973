"""Join the orders to the reference tables and aggregate them."""

import pandas as pd

ENRICHED_COLUMNS = ["city", "region", "category", "unit_cost", "margin"]
"""The columns ``enrich`` adds to the orders, in order."""


def enrich(
    orders: pd.DataFrame,
    stores: pd.DataFrame,
    products: pd.DataFrame,
) -> pd.DataFrame:
    """Add the store's ``city`` and ``region`` and the product's ``category`` and
    ``unit_cost`` to each order line, and its gross ``margin``
    (``revenue - quantity * unit_cost``).

    The result keeps every order line, in the same order, with the columns of
    ``orders`` followed by ``ENRICHED_COLUMNS``. An order whose store or product is
    not in the tables raises ``ValueError``, and so does a store or product listed
    twice in its table.
    """
    raise NotImplementedError("task 5 (merge-and-aggregate)")


def revenue_by_store(enriched: pd.DataFrame) -> pd.DataFrame:
    """One row per store (the index, named ``store``), best seller first.

    Columns: ``city``, ``revenue`` and ``margin`` (sums), ``lines`` (the number of
    order lines).
    """
    raise NotImplementedError("task 5 (merge-and-aggregate)")


def category_by_region(enriched: pd.DataFrame) -> pd.DataFrame:
    """Revenue by region (rows) and product category (columns), with totals.

    Regions and categories are sorted by name; a ``Total`` row and column come
    last. A region that sold nothing in a category shows ``0.0``.
    """
    raise NotImplementedError("task 5 (merge-and-aggregate)")
