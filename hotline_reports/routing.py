from django.urls import path

from hotline_reports.consumers import WallboardConsumer

websocket_urlpatterns = [
    path("ws/wallboard/", WallboardConsumer.as_asgi()),
]
