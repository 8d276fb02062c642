from django.urls import path

from hotline_asterisk_connector.consumers import ConsultantConsumer

websocket_urlpatterns = [
    path("ws/calls/", ConsultantConsumer.as_asgi()),
]
