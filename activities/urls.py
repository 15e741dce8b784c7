from django.urls import path

from activities import views

app_name = "activities"

# Officer pages add /events/new/, /events/<slug>/edit/, /seizures/new/…: a fixed path such as
# events/new/ must come BEFORE "events/<slug:slug>/" below, or the event page would take it.
urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/<str:code>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("seizures/", views.SeizureListView.as_view(), name="seizure_list"),
    path("seizures/<int:pk>/", views.SeizureDetailView.as_view(), name="seizure_detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path(
        "organisations/<slug:slug>/", views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
]
