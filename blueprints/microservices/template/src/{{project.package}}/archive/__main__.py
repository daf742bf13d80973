"""Run the archive service: ``python -m <package>.archive``."""

import uvicorn

from .service import create_archive_app
from .worker import CeleryQueue, current_store, settings


def main() -> None:
    """Serve the archive API with the settings from the environment."""
    app = create_archive_app(current_store(), CeleryQueue())
    uvicorn.run(app, host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
