from django.urls import path

from hotline_workspace import views

app_name = "hotline_workspace"

urlpatterns = [
    path("desk/", views.desk_page, name="desk"),
    path("desk/status", views.desk_status, name="status"),
    path("desk/ice", views.desk_ice, name="ice"),
    path("desk/dial", views.desk_dial, name="dial"),
    path(
        "desk/calls/<int:call_id>/client/<int:client_id>",
        views.attach_client,
        name="attach",
    ),
    path("journal/", views.journal_list, name="journal"),
    path("journal/<int:call_id>/", views.call_detail, name="call"),
    path("journal/<int:call_id>/recording", views.call_recording, name="recording"),
    path("worklist/", views.worklist_page, name="worklist"),
    path("worklist/<int:item_id>/take", views.worklist_take, name="take"),
    path("worklist/<int:item_id>/outcome", views.worklist_outcome, name="outcome"),
    path("worklist/<int:item_id>/audio", views.voice_message_audio, name="voicemail_audio"),
]
