from django.urls import path

from attachments import manage, views

app_name = "attachments"

urlpatterns = [
    path("files/<int:pk>/", views.private_file, name="file"),
    path("files/<int:pk>/thumbnail/", views.private_file, {"part": "thumbnail"},
         name="thumbnail"),
    path("media/public/<path:path>", views.public_file, name="public_file"),
    # A record's files, for those who may change them (attachments.services.may_edit).
    path("events/<slug:key>/files/", manage.RecordFilesView.as_view(), {"record": "event"},
         name="event_files"),
    path("seizures/<int:key>/files/", manage.RecordFilesView.as_view(), {"record": "seizure"},
         name="seizure_files"),
    path("projects/<str:key>/files/", manage.RecordFilesView.as_view(), {"record": "project"},
         name="project_files"),
    path("articles/<slug:key>/files/", manage.RecordFilesView.as_view(), {"record": "article"},
         name="article_files"),
]
