"""Websocket routes of every app, gathered in one place for the ASGI app."""

websocket_urlpatterns: list = []
