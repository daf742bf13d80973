"""The programme as a GraphQL API, with Strawberry, served at ``/graphql/``."""
