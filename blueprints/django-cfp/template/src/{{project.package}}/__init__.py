"""The call for proposals of a community Python conference: a Django site."""
