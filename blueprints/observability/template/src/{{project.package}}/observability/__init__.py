"""What the service tells whoever runs it: metrics, logs, traces and health.

Each module adds one thing to an app built by ``create_app``;
``with_observability.create_observed_app`` adds them all.
"""
