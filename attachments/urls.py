from django.urls import path

from attachments import manage, views

app_name = "attachments"

urlpatterns = [
    path("files/<int:pk>/", views.private_file, name="file"),
    path("files/<int:pk>/thumbnail/", views.private_file, {"part": "thumbnail"},
         name="thumbnail"),
    # One file's details, its replacement and its removal (attachments.manage).
    path("files/<int:pk>/edit/", manage.FileEditView.as_view(), name="file_edit"),
    path("files/<int:pk>/replace/", manage.FileReplaceView.as_view(), name="file_replace"),
    path("files/<int:pk>/remove/", manage.FileRemoveView.as_view(), name="file_remove"),
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
