"""A participant's subject-access file (README, "A person's own data"): the page that says what
the file holds, with its two downloads, and the downloads themselves (XLSX and JSON).

Officers and admins, as the participant's own page (``OfficerMixin``: anonymous → sign in,
anyone else → 403), and only records they may see there (``visible_to``: demo records for demo
accounts only); an unknown number is a 404. The page and each download write an access-log
entry (``accesslog.log.saw``): each shows the person's personal data."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.views import View
from django.views.generic import DetailView

from accesslog.log import saw
from activities.models import Participant
from activities.officer.base import OfficerMixin
from personaldata import subject_access
from unodc_portal.core.exports import XLSX_CONTENT_TYPE

FORMATS = ("xlsx", "json")
FILE_WHAT = "subject access file"


def visible_participant(request, pk: int) -> Participant:
    """The participant ``pk`` as the participant's page finds it, or a 404."""
    return get_object_or_404(
        Participant.objects.visible_to(request.user).with_related(), pk=pk)


class SubjectAccessView(OfficerMixin, DetailView):
    """What the file holds — how many events, changes and merged records — and the two
    downloads."""

    template_name = "personaldata/subject_access.html"
    context_object_name = "participant"

    def get_object(self, queryset=None):
        return visible_participant(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.object
        saw(self.request, [participant.pk], what="subject access page")
        context["content"] = subject_access.build(participant, self.request.user)
        return context


class SubjectAccessFileView(OfficerMixin, View):
    """The file itself: ``personal-data-<n>.xlsx`` or ``.json``, an attachment kept by no
    cache."""

    def get(self, request, pk: int, fmt: str):
        if fmt not in FORMATS:
            raise Http404(gettext("Unknown file format."))
        participant = visible_participant(request, pk)
        content = subject_access.build(participant, request.user)
        filename = f"{content.file_stem}.{fmt}"
        if fmt == "json":
            response = HttpResponse(subject_access.as_json(content),
                                    content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        else:
            # Deleted by the operating system when FileResponse closes it after sending.
            target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
            subject_access.xlsx(content, target)
            target.seek(0)
            response = FileResponse(target, as_attachment=True, filename=filename,
                                    content_type=XLSX_CONTENT_TYPE)
        response["Cache-Control"] = "private, no-store"
        saw(request, [participant.pk], what=FILE_WHAT)
        return response
