"""Configuration per environment.

Each class holds the settings of one environment; ``create_app`` picks one, then
lets the instance folder's ``config.py``, the environment and the caller's
overrides change it, in that order.
"""


class Config:
    """Settings every environment shares."""

    DEBUG = False
    TESTING = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MIN_SECRET_KEY_LENGTH = 32


class DevelopmentConfig(Config):
    """On a developer's machine: the debugger on, nothing secret."""

    DEBUG = True


class TestingConfig(Config):
    """Under pytest: exceptions reach the test instead of an error page."""

    TESTING = True


class ProductionConfig(Config):
    """On the server: cookies only over HTTPS, a real secret key required."""

    SESSION_COOKIE_SECURE = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
"""The environments ``create_app`` knows, by name."""
