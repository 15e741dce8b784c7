"""PLACEHOLDER: the pages where officers and admins add, change, replace and remove a record's
files (helper "pages")."""

from django.http import Http404
from django.views import View


class RecordFilesView(View):
    def get(self, request, *args, **kwargs):
        raise Http404
