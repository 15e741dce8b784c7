from django.urls import path

from activities import lookups, views
from activities.officer import (
    duplicates,
    events,
    history,
    importing,
    participants,
    seizures,
    workspace,
)

app_name = "activities"  # served through unodc_portal.urls, composed with donors' records

# Programme officers' pages (activities/officer/, one module per concern). They come first so that
# "events/new/" is never taken for an event called "new" (and "new" is not a valid event slug).
officer_urlpatterns = [
    path("workspace/", workspace.WorkspaceView.as_view(), name="workspace"),
    path("events/new/", events.EventRecordView.as_view(), name="event_create"),
    path("events/<slug:slug>/edit/", events.EventRecordView.as_view(), name="event_update"),
    path("events/<slug:slug>/history/", history.EventHistoryView.as_view(),
         name="event_history"),
    path("events/<slug:slug>/participants/import/", importing.ParticipantImportView.as_view(),
         name="participant_import"),
    path("imports/<int:pk>/", importing.ImportPreviewView.as_view(), name="import_preview"),
    path("imports/template.<str:fmt>", importing.ImportTemplateView.as_view(),
         name="import_template"),
    path("participants/", participants.ParticipantListView.as_view(), name="participant_list"),
    path("participants/export.<str:fmt>", participants.ParticipantExportView.as_view(),
         name="participant_export"),
    path("participants/search.json", participants.ParticipantSearchView.as_view(),
         name="participant_search"),
    path("participants/duplicates/", duplicates.DuplicateListView.as_view(),
         name="participant_duplicates"),
    path("participants/duplicates/dismiss/", duplicates.DuplicateDismissView.as_view(),
         name="participant_duplicates_dismiss"),
    path("participants/<int:pk>/", participants.ParticipantDetailView.as_view(),
         name="participant_detail"),
    path("participants/<int:pk>/edit/", participants.ParticipantUpdateView.as_view(),
         name="participant_update"),
    path("participants/<int:pk>/history/", history.ParticipantHistoryView.as_view(),
         name="participant_history"),
    path("participants/<int:pk>/merge/<int:other_pk>/", duplicates.ParticipantMergeView.as_view(),
         name="participant_merge"),
    path("seizures/new/", seizures.SeizureCreateView.as_view(), name="seizure_create"),
    path("seizures/<int:pk>/edit/", seizures.SeizureUpdateView.as_view(), name="seizure_update"),
    path("seizures/<int:pk>/history/", history.SeizureHistoryView.as_view(),
         name="seizure_history"),
    path("workspace/organisations/new/", workspace.OrganisationCreateView.as_view(),
         name="organisation_create"),
    path("workspace/people/new/", workspace.PersonCreateView.as_view(), name="person_create"),
]


# Public pages. Fixed paths such as events/new/ are in officer_urlpatterns, which come first,
# so that "events/<slug:slug>/" never takes them.
public_urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/export.<str:fmt>", views.ProjectExportView.as_view(), name="project_export"),
    path("projects/<str:code>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/export.<str:fmt>", views.EventExportView.as_view(), name="event_export"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("seizures/", views.SeizureListView.as_view(), name="seizure_list"),
    path("seizures/export.<str:fmt>", views.SeizureExportView.as_view(), name="seizure_export"),
    path("seizures/<int:pk>/", views.SeizureDetailView.as_view(), name="seizure_detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path(
        "organisations/<slug:slug>/", views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country_detail"),
    # Search as you type for the filters of relations over growing tables (JSON).
    path("lookup/events/", lookups.EventLookupView.as_view(), name="event_lookup"),
    path("lookup/organisations/", lookups.OrganisationLookupView.as_view(),
         name="organisation_lookup"),
    path("lookup/projects/", lookups.ProjectLookupView.as_view(), name="project_lookup"),
    path("lookup/people/", lookups.PersonLookupView.as_view(), name="person_lookup"),
]

urlpatterns = [*officer_urlpatterns, *public_urlpatterns]
