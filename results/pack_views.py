"""The donor report pack's page (issue 16, point 5): ``/donors/<slug>/report/`` chooses a
period (a year, a quarter, or two dates) and downloads the pack as a workbook or a PDF.

Who may ask: a donor's account for its own donor only; programme officers and admins for any
donor they may see (they may choose another donor in the form). Anonymous visitors are sent to
sign in; a signed-in account that is neither gets 403; a donor's account asking for another
donor gets the same 404 as a donor that does not exist, so that the answer tells nothing. The
form is a GET form (a pack can be bookmarked); bad input is explained beside its field and no
file is made. An account makes at most ``REPORT_PACK_LIMIT_PER_USER`` packs an hour (429 with
the form saying so): each costs seconds of a worker at scale.
"""

from __future__ import annotations

import datetime
import tempfile
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView

from donors.models import Donor, donor_for
from results.pack_data import PackPeriod, build_pack
from results.pack_pdf import write_pack_pdf
from results.pack_xlsx import write_pack_xlsx
from unodc_portal.core import throttle
from unodc_portal.core.exports import XLSX_CONTENT_TYPE
from unodc_portal.core.roles import is_officer

# The record starts with the programme; a period far outside it is a typing mistake.
FIRST_YEAR = 1990
YEARS_AHEAD = 5


def _quarter_label(quarter: int) -> str:
    return gettext("Quarter %(quarter)s") % {"quarter": quarter}


# Labels read in the language of each request, not of the import.
QUARTERS = [("", gettext_lazy("The whole year"))] + [
    (str(q), lazy(_quarter_label, str)(q)) for q in range(1, 5)
]
FORMATS = [("pdf", gettext_lazy("PDF (summary)")), ("xlsx", gettext_lazy("Workbook (every row)"))]


def may_choose_donor(user) -> bool:
    """Officers and admins make packs for any donor; donors' accounts for their own."""
    return bool(user.is_staff or is_officer(user))


class PackForm(forms.Form):
    donor = forms.ModelChoiceField(
        queryset=Donor.objects.none(), to_field_name="slug", required=False,
        label=gettext_lazy("Donor"), empty_label=None,
    )
    year = forms.IntegerField(required=False, label=gettext_lazy("Year"))
    quarter = forms.TypedChoiceField(
        choices=QUARTERS, coerce=int, empty_value=None, required=False,
        label=gettext_lazy("Quarter"),
    )
    start = forms.DateField(required=False, label=gettext_lazy("From"),
                            help_text=gettext_lazy("Or two dates, as 2011-01-31."),
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label=gettext_lazy("To"),
                          widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(choices=FORMATS, label=gettext_lazy("Format"),
                               widget=forms.RadioSelect, initial="pdf")

    def __init__(self, *args, donors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if donors is None:
            del self.fields["donor"]
        else:
            self.fields["donor"].queryset = donors

    @staticmethod
    def bounds() -> tuple[int, int]:
        return FIRST_YEAR, timezone.localdate().year + YEARS_AHEAD

    def _check_date(self, name: str) -> datetime.date | None:
        value = self.cleaned_data.get(name)
        first, last = self.bounds()
        if value and not first <= value.year <= last:
            self.add_error(name, gettext("Give a date between %(first)s and %(last)s.") % {
                "first": first, "last": last})
            return None
        return value

    def clean(self):
        data = super().clean()
        year, quarter = data.get("year"), data.get("quarter")
        start, end = self._check_date("start"), self._check_date("end")
        if self.errors:
            return data
        first, last = self.bounds()
        if year is not None:
            if not first <= year <= last:
                self.add_error("year", gettext("Give a year between %(first)s and %(last)s.")
                               % {"first": first, "last": last})
            elif start or end:
                self.add_error("year", gettext("Give a year or two dates, not both."))
            else:
                data["period"] = PackPeriod.of_year(year, quarter)
            return data
        if quarter:
            self.add_error("year", gettext("Give the year of the quarter."))
        elif not start and not end:
            self.add_error("year", gettext("Give a year, or the first and last days."))
        elif not start:
            self.add_error("start", gettext("Give the first day too."))
        elif not end:
            self.add_error("end", gettext("Give the last day too."))
        elif end < start:
            self.add_error("end", gettext("The period cannot end before it starts."))
        else:
            data["period"] = PackPeriod(start, end)
        return data


class DonorPackView(LoginRequiredMixin, TemplateView):
    template_name = "results/pack_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        own = donor_for(user)
        if own is None and not may_choose_donor(user):
            raise PermissionDenied(gettext("Report packs are for donors, officers and admins."))
        donor = Donor.objects.visible_to(user).filter(slug=kwargs["slug"]).first()
        # Another donor's pack is as unknown to a donor's account as a donor that does not
        # exist: the same 404.
        if donor is None or (own is not None and not may_choose_donor(user)
                             and own.pk != donor.pk):
            raise Http404(gettext("No donor found."))
        self.donor = donor
        self.donors = Donor.objects.visible_to(user).order_by("name") \
            if may_choose_donor(user) else None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not request.GET:
            form = PackForm(donors=self.donors, initial={
                "donor": self.donor.slug, "year": timezone.localdate().year})
            return self.render_to_response(self.get_context_data(form=form))
        form = PackForm(request.GET, donors=self.donors)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        chosen = form.cleaned_data.get("donor")
        if chosen is not None and chosen.pk != self.donor.pk:
            # Another donor chosen in the form: its own page makes its pack.
            return redirect(reverse("pack:donor_report", args=[chosen.slug])
                            + "?" + urlencode(request.GET, doseq=True))
        if not throttle.attempt(throttle.report_packs(), f"user-{request.user.pk}"):
            form.add_error(None, gettext(
                "You have made %(limit)s report packs in the last hour, the most an account "
                "may make: please try again later.") % {
                "limit": settings.REPORT_PACK_LIMIT_PER_USER})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        pack = build_pack(self.donor, request.user, form.cleaned_data["period"])
        stem = f"report-{self.donor.slug}-{pack.period.slug}"
        if form.cleaned_data["format"] == "xlsx":
            # Deleted by the operating system when FileResponse closes it after sending.
            target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
            write_pack_xlsx(pack, target)
            target.seek(0)
            return FileResponse(target, as_attachment=True, filename=f"{stem}.xlsx",
                                content_type=XLSX_CONTENT_TYPE)
        response = HttpResponse(write_pack_pdf(pack), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            donor=self.donor,
            crumbs=[(reverse("donors:donor_list"), gettext("Donors")),
                    (self.donor.get_absolute_url(), self.donor.name),
                    ("", gettext("Report pack"))],
        )
        return context
