"""Password reset and password change, hardened:

- A reset request does the same work whether or not an account has the address: it looks the
  address up and queues the e-mail, which is written and sent after the response
  (``unodc_portal.core.after_response``), so the answer's timing tells nothing.
- Reset requests are throttled per address and per client; the password-change form's
  old-password check is throttled per user and client like sign-in. The counters are in the
  database (``unodc_portal.core.throttle``), shared by every worker and server. A throttled request
  gets its form back with the reason, status 429.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from unodc_portal.core import throttle
from unodc_portal.core.after_response import after_response

RESET_THROTTLED = gettext_lazy(
    "Too many password reset requests for this address or from your network. Wait an hour "
    "and try again, or ask an administrator."
)
CHANGE_THROTTLED = gettext_lazy(
    "Too many wrong current passwords: changing the password is locked for {minutes} minutes "
    "from this address. Try again later."
)


class QueuedPasswordResetForm(PasswordResetForm):
    def save(self, **kwargs):
        # The one query runs for a known and an unknown address alike; the rest (tokens, the
        # message, the mail server) after the response, in the language of the page the reset
        # was asked from: the e-mail's words and its link (/ru/… for a Russian page).
        users = list(self.get_users(self.cleaned_data["email"]))
        language = translation.get_language()

        def send():
            self.get_users = lambda email: iter(users)
            with translation.override(language):
                PasswordResetForm.save(self, **kwargs)

        after_response(send)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm

    def form_valid(self, form):
        if not throttle.password_reset_allowed(self.request, form.cleaned_data["email"]):
            form.add_error(None, RESET_THROTTLED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old-password check counts failures per user and client address, as sign-in does;
    past the limit the check is refused without trying the password."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.throttled = False

    def clean_old_password(self):
        rule = throttle.password_change_failures()
        key = throttle.password_change_key(self.request, self.user)
        if throttle.blocked(rule, key):
            self.throttled = True
            minutes = int(rule.window.total_seconds() // 60)
            raise ValidationError(str(CHANGE_THROTTLED).format(minutes=minutes), code="throttled")
        try:
            old_password = super().clean_old_password()
        except ValidationError:
            throttle.failure(rule, key)
            raise
        throttle.clear(rule, key)
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class ThrottledAdminPasswordChangeForm(ThrottledPasswordChangeForm):
    required_css_class = "required"  # as Django's AdminPasswordChangeForm


def admin_password_change(site, request, extra_context=None):
    """The admin's own password-change page (``AdminSite.password_change``), with the same
    throttled old-password check: ``admin.site.password_change`` is set to this (urls.py)."""
    request.current_app = site.name
    options = {
        "form_class": ThrottledAdminPasswordChangeForm,
        "success_url": reverse("admin:password_change_done", current_app=site.name),
        "extra_context": {**site.each_context(request), **(extra_context or {})},
    }
    if site.password_change_template is not None:
        options["template_name"] = site.password_change_template
    return PasswordChangeView.as_view(**options)(request)
