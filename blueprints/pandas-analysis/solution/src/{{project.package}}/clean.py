"""Turn the raw orders export into a tidy, typed table.

Every function here works on whole columns at once (vectorised), never row by
row in Python: that is what keeps cleaning fast on big exports. None of them
changes the frame or series it is given.
"""

from collections.abc import Callable

import pandas as pd

CHANNELS = ("in-store", "online", "unknown")
"""The sales channels, once cleaned; ``unknown`` stands for a blank channel."""

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y")
"""The date formats found in the export: ``2025-03-14``, ``14/03/2025``, ``14 Mar 2025``."""

CLEAN_COLUMNS = [
    "order_id",
    "date",
    "store",
    "product",
    "channel",
    "quantity",
    "unit_price",
    "discount",
    "revenue",
]
"""The columns of a cleaned orders table, in order."""


def _by_distinct_value(
    values: pd.Series,
    convert: Callable[[pd.Series], pd.Series],
) -> pd.Series:
    """Convert each distinct value of ``values`` once, then look the results up.

    An export repeats a few hundred distinct values thousands of times, and
    pandas' string methods still handle text one value at a time. Converting the
    distinct values and mapping them back (``map`` with a Series is a vectorised
    lookup) does the same work a few hundred times instead of once per row.
    Missing values stay missing.
    """
    distinct = values.dropna().drop_duplicates()
    lookup = convert(distinct)
    lookup.index = pd.Index(distinct)
    return values.map(lookup)


def normalise_text(orders: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of the raw orders with tidy ``store``, ``product`` and ``channel``.

    Store codes are stripped and upper-cased (``" brs-01"`` becomes ``"BRS-01"``);
    product names are stripped, runs of spaces become one and each word is
    capitalised (``"butter  CROISSANT "`` becomes ``"Butter Croissant"``); channels
    are stripped, lower-cased, with spaces turned into hyphens (``"In Store"``
    becomes ``"in-store"``). Missing values stay missing.
    """
    result = orders.copy()
    result["store"] = _by_distinct_value(
        result["store"],
        lambda store: store.str.strip().str.upper(),
    )
    result["product"] = _by_distinct_value(
        result["product"],
        lambda product: (
            product.str.strip().str.replace(r"\s+", " ", regex=True).str.title()
        ),
    )
    result["channel"] = _by_distinct_value(
        result["channel"],
        lambda channel: (
            channel.str.strip().str.lower().str.replace(r"[\s_-]+", "-", regex=True)
        ),
    )
    return result


def _strictly(
    values: pd.Series,
    convert: Callable[[pd.Series], pd.Series],
    what: str,
) -> pd.Series:
    """Convert ``values``; raise ``ValueError`` if a present value gives a missing one."""
    parsed = _by_distinct_value(values, convert)
    bad = values[values.notna() & parsed.isna()]
    if not bad.empty:
        examples = [str(value) for value in bad.unique()[:5]]
        raise ValueError(f"unrecognised {what}: {examples}")
    return parsed


def _to_money(text: pd.Series) -> pd.Series:
    cleaned = text.str.replace(r"[£,\s]", "", regex=True)
    return pd.to_numeric(cleaned, errors="coerce").astype("float64")


def _to_fraction(text: pd.Series) -> pd.Series:
    cleaned = text.str.replace(r"[%\s]", "", regex=True)
    return pd.to_numeric(cleaned, errors="coerce").astype("float64") / 100


def _to_date(text: pd.Series) -> pd.Series:
    stripped = text.str.strip()
    attempts = [
        pd.to_datetime(stripped, format=fmt, errors="coerce") for fmt in DATE_FORMATS
    ]
    parsed = attempts[0]
    for attempt in attempts[1:]:
        parsed = parsed.fillna(attempt)
    return parsed


def parse_money(values: pd.Series) -> pd.Series:
    """Parse amounts such as ``"£1,250.00"``, ``"4.2"`` or ``" £3.10 "`` to ``float64``.

    The pound sign, thousands separators and spaces are dropped. Missing values
    stay missing (``NaN``); any other text raises ``ValueError``.
    """
    return _strictly(values, _to_money, "amounts").astype("float64")


def parse_percent(values: pd.Series) -> pd.Series:
    """Parse percentages such as ``"10%"`` or ``"15 %"`` to fractions (``0.1``, ``0.15``).

    Missing values stay missing (``NaN``); any other text raises ``ValueError``.
    """
    return _strictly(values, _to_fraction, "percentages").astype("float64")


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse dates written in any of ``DATE_FORMATS`` to ``datetime64``.

    ``03/04/2025`` is the 3rd of April: the export writes the day first. Each
    format is tried on the whole column and the results are combined: the first
    format that reads a value wins. Missing values stay missing (``NaT``); any
    other text raises ``ValueError``.
    """
    return _strictly(values, _to_date, "dates")


def clean_orders(raw: pd.DataFrame) -> pd.DataFrame:
    """Clean the raw orders from ``load_orders`` into one typed row per order line.

    - text is normalised (``normalise_text``);
    - an ``order_id`` seen before is a duplicate: only its first row is kept;
    - a line without a quantity cannot be counted and is dropped; ``quantity``
      becomes ``int64``;
    - dates, prices and discounts are parsed;
    - a missing unit price is the median unit price of the same product (over
      the de-duplicated lines that have a quantity), a missing discount is
      ``0.0``, a missing channel is ``"unknown"``;
    - ``channel`` is a category with the categories ``CHANNELS``;
    - ``revenue`` is ``quantity * unit_price * (1 - discount)``.

    The result has the columns ``CLEAN_COLUMNS``, sorted by date then order id,
    indexed ``0..n-1``.
    """
    orders = normalise_text(raw)
    orders = orders.drop_duplicates(subset="order_id", keep="first")
    orders = orders.dropna(subset=["quantity"])
    orders = orders.assign(
        date=parse_dates(orders["date"]),
        quantity=orders["quantity"].astype("int64"),
        unit_price=parse_money(orders["unit_price"]),
        discount=parse_percent(orders["discount"]).fillna(0.0),
        channel=orders["channel"]
        .fillna("unknown")
        .astype(pd.CategoricalDtype(list(CHANNELS))),
    )
    typical_price = orders.groupby("product")["unit_price"].transform("median")
    orders["unit_price"] = orders["unit_price"].fillna(typical_price)
    orders["revenue"] = (
        orders["quantity"] * orders["unit_price"] * (1 - orders["discount"])
    )
    orders = orders.sort_values(["date", "order_id"], kind="stable")
    return orders[CLEAN_COLUMNS].reset_index(drop=True)
