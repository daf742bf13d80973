"""Sales analysis of a small bakery chain, with pandas.

The pipeline runs in this order, one module per step: ``load`` reads the CSV
files with declared types, ``clean`` tidies the orders, ``analysis`` joins and
aggregates them, ``timeseries`` follows revenue through time, ``stats`` finds the
outliers and the headline numbers, ``figures`` draws the charts and ``report``
writes them up. ``cli`` runs it all from the command line.
"""
