"""A scikit-learn experiment tracked with MLflow, from a parameter sweep to a registered model.

Start reading at ``experiment.py``: ``run_experiment`` ties the steps together, and
each step lives in its own module (``data``, ``model``, ``evaluation``,
``tracking``, ``sweep``, ``compare``, ``registry``).
"""
