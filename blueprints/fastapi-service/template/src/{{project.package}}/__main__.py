"""Run the service with uvicorn: ``python -m <package>`` or the console script."""

import uvicorn

from .app import create_app
from .settings import Settings


def main() -> None:
    """Serve the API on the host and port from the settings."""
    settings = Settings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
