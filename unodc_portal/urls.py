from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from unodc_portal import views

admin.site.site_header = "UNODC Central Asia portal — administration"
admin.site.site_title = "UNODC portal admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("activities.urls")),
    path("", include("donors.urls")),
]

handler400 = "unodc_portal.views.bad_request"
handler403 = "unodc_portal.views.permission_denied"
handler404 = "unodc_portal.views.page_not_found"
handler500 = "unodc_portal.views.server_error"
