"""What every resolver of one request can reach through ``info.context``."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass
class Context:
    """Made afresh for each request by ``GraphQLView.get_context``."""

    request: HttpRequest
    response: HttpResponse
