"""Calling other services reliably: retries with backoff, a TTL cache, signed webhooks, rate limits.

Each part takes its clock, its pause or its HTTP client as an argument, so that tests
can hand it a fake one and run in no time.
"""
