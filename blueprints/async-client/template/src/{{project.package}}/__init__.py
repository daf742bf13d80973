"""Check the links of a documentation site, many requests at a time."""
