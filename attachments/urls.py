from django.urls import path

from attachments import views

app_name = "attachments"

urlpatterns = [
    path("files/<int:pk>/", views.private_file, name="file"),
    path("files/<int:pk>/thumbnail/", views.private_file, {"part": "thumbnail"},
         name="thumbnail"),
    path("media/public/<path:path>", views.public_file, name="public_file"),
]
