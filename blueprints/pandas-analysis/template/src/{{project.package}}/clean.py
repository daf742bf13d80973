"""Turn the raw orders export into a tidy, typed table.

Every function here works on whole columns at once (vectorised), never row by
row in Python: that is what keeps cleaning fast on big exports. None of them
changes the frame or series it is given.
"""

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


def normalise_text(orders: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of the raw orders with tidy ``store``, ``product`` and ``channel``.

    Store codes are stripped and upper-cased (``" brs-01"`` becomes ``"BRS-01"``);
    product names are stripped, runs of spaces become one and each word is
    capitalised (``"butter  CROISSANT "`` becomes ``"Butter Croissant"``); channels
    are stripped, lower-cased, with spaces turned into hyphens (``"In Store"``
    becomes ``"in-store"``). Missing values stay missing.
    """
    raise NotImplementedError("task 2 (normalise-text)")


def parse_money(values: pd.Series) -> pd.Series:
    """Parse amounts such as ``"£1,250.00"``, ``"4.2"`` or ``" £3.10 "`` to ``float64``.

    The pound sign, thousands separators and spaces are dropped. Missing values
    stay missing (``NaN``); any other text raises ``ValueError``.
    """
    raise NotImplementedError("task 3 (parse-values)")


def parse_percent(values: pd.Series) -> pd.Series:
    """Parse percentages such as ``"10%"`` or ``"15 %"`` to fractions (``0.1``, ``0.15``).

    Missing values stay missing (``NaN``); any other text raises ``ValueError``.
    """
    raise NotImplementedError("task 3 (parse-values)")


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse dates written in any of ``DATE_FORMATS`` to ``datetime64``.

    ``03/04/2025`` is the 3rd of April: the export writes the day first. Missing
    values stay missing (``NaT``); any other text raises ``ValueError``.
    """
    raise NotImplementedError("task 3 (parse-values)")


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
    raise NotImplementedError("task 4 (clean-orders)")
