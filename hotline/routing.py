"""Websocket routes of every app, gathered in one place for the ASGI app."""

from hotline_reports.routing import websocket_urlpatterns as reports_routes
from hotline_workspace.routing import websocket_urlpatterns as workspace_routes

websocket_urlpatterns: list = [*reports_routes, *workspace_routes]
