"""Routers: ``public`` (health, public fact-checks), ``auth`` (sign-in), ``pages``, ``api``."""
