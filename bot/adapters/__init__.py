"""Adapters: platform event -> core `Command`; core `Reply` -> platform. Only they talk to a
platform, and each one renders the core's neutral rich text its own way."""
