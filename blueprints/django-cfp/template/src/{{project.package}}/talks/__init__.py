"""The talks app: tracks, talk proposals, their review and the programme."""
