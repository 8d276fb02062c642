"""Websocket routes of every app, gathered in one place for the ASGI app."""

from hotline_asterisk_connector.routing import websocket_urlpatterns as connector_routes

websocket_urlpatterns: list = [*connector_routes]
