from django.urls import path

from hotline_asterisk_connector import views

app_name = "hotline_asterisk_connector"

urlpatterns = [
    path("dial/", views.dial, name="dial"),
    path("queue/<slug:action>/", views.queue_action, name="queue"),
    path("state/", views.my_state, name="state"),
]
