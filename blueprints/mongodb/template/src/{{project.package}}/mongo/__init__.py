"""The bookmarks in MongoDB documents, with pymongo.

``schema`` declares the collections and their indexes, ``repository`` keeps the
bookmarks in documents, ``reports`` asks the server's aggregation pipeline, and
``app`` serves the API from a MongoDB database.
"""
