"""Join the orders to the reference tables and aggregate them."""

import pandas as pd

ENRICHED_COLUMNS = ["city", "region", "category", "unit_cost", "margin"]
"""The columns ``enrich`` adds to the orders, in order."""


def _check_matched(merged: pd.DataFrame, indicator: str, key: str) -> None:
    """Raise ``ValueError`` naming the ``key`` values the merge found no match for."""
    unmatched = merged.loc[merged[indicator] == "left_only", key]
    if not unmatched.empty:
        names = ", ".join(sorted(str(value) for value in unmatched.unique()))
        raise ValueError(f"unknown {key} in the orders: {names}")


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
    store_info = stores[["store_id", "city", "region"]].rename(
        columns={"store_id": "store"}
    )
    product_info = products[["product", "category", "unit_cost"]]
    merged = orders.merge(
        store_info,
        on="store",
        how="left",
        validate="many_to_one",
        indicator="_store_match",
    )
    _check_matched(merged, "_store_match", "store")
    merged = merged.merge(
        product_info,
        on="product",
        how="left",
        validate="many_to_one",
        indicator="_product_match",
    )
    _check_matched(merged, "_product_match", "product")
    merged["margin"] = merged["revenue"] - merged["quantity"] * merged["unit_cost"]
    merged.index = orders.index
    return merged[[*orders.columns, *ENRICHED_COLUMNS]]


def revenue_by_store(enriched: pd.DataFrame) -> pd.DataFrame:
    """One row per store (the index, named ``store``), best seller first.

    Columns: ``city``, ``revenue`` and ``margin`` (sums), ``lines`` (the number of
    order lines).
    """
    by_store = enriched.groupby("store").agg(
        city=("city", "first"),
        revenue=("revenue", "sum"),
        margin=("margin", "sum"),
        lines=("order_id", "count"),
    )
    return by_store.sort_values("revenue", ascending=False)


def category_by_region(enriched: pd.DataFrame) -> pd.DataFrame:
    """Revenue by region (rows) and product category (columns), with totals.

    Regions and categories are sorted by name; a ``Total`` row and column come
    last. A region that sold nothing in a category shows ``0.0``.
    """
    return enriched.pivot_table(
        index="region",
        columns="category",
        values="revenue",
        aggfunc="sum",
        fill_value=0.0,
        margins=True,
        margins_name="Total",
        observed=True,
    )
