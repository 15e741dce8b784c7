from functools import partial

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from activities import urls as activities_urls
from attachments.urls import file_urls
from unodc_portal.core import languages
from unodc_portal.site import accounts, pages, views

# The admin's password change checks the old password with the same throttle as the portal's.
admin.site.password_change = partial(accounts.admin_password_change, admin.site)

# Outside the language prefix: the health check, the switcher's links, the open data (API and
# IATI file, whose labels follow Accept-Language) and the attachments' files (one address each).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("language/<str:code>/", languages.switch_language, name="switch_language"),
    path("", include("unodc_portal.opendata_urls")),
    path("", include(file_urls)),
]

# Pages: English at their addresses, Russian under /ru/.
urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
    # Strings of static/js/*.js in the page's language (an external script: the CSP stays strict).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("admin/", admin.site.urls),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/", accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/", accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # activities' pages, the project, event and article pages composed with donors' records
    # (unodc_portal.site.pages: activities does not import donors).
    path("", include((pages.composed(activities_urls.urlpatterns), "activities"))),
    path("", include("donors.urls")),
    path("", include("results.pack_urls")),
    path("", include("results.urls")),
    path("", include("search.urls")),
    path("", include("attachments.urls")),
    path("", include("personaldata.urls")),
    prefix_default_language=False,
)

handler400 = "unodc_portal.site.views.bad_request"
handler403 = "unodc_portal.site.views.permission_denied"
handler404 = "unodc_portal.site.views.page_not_found"
handler500 = "unodc_portal.site.views.server_error"
