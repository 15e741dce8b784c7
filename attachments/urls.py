"""The pages of a record's files, under the language prefix like every page (``urlpatterns``,
namespace ``attachments``), and the files' own addresses, outside it (``file_urls``, namespace
``files``): one address per file version whatever the page's language, so that a public copy is
kept once by browsers and proxies and served by ``attachments.middleware`` without a query."""

from django.urls import path

from attachments import manage, views

app_name = "attachments"

urlpatterns = [
    # One file's details, its replacement and its removal (attachments.manage).
    path("files/<int:pk>/edit/", manage.FileEditView.as_view(), name="file_edit"),
    path("files/<int:pk>/replace/", manage.FileReplaceView.as_view(), name="file_replace"),
    path("files/<int:pk>/remove/", manage.FileRemoveView.as_view(), name="file_remove"),
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

file_urls = ([
    path("files/<int:pk>/", views.private_file, name="file"),
    path("files/<int:pk>/thumbnail/", views.private_file, {"part": "thumbnail"},
         name="thumbnail"),
    path("media/public/<path:path>", views.public_file, name="public_file"),
], "files")
