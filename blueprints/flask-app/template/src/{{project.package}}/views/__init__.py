"""The app's blueprints: one per part of the site."""
