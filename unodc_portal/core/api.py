"""The read-only JSON API's shared pieces: pagination that names a bad parameter, and the fields
records share (their page on the portal, countries and related records by stable key). This module
is the setting DEFAULT_PAGINATION_CLASS's home, so it must not import DRF's views or viewsets.

Each app's ``api.py`` holds its serializers and viewsets; ``unodc_portal/opendata_urls.py``
routes them. Viewsets filter with the list pages' own FilterSets (``filterset_class``, through
``django_filters.rest_framework.DjangoFilterBackend``): a value that does not validate gives 400
with the parameter named, e.g. ``{"year_min": ["Enter a whole number."]}``. Querysets start from
the models' visibility rules (``Contribution.objects.visible_to(user)``,
``Article.objects.visible_to(user)``), as on the pages.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from unodc_portal.core.lists import DEFAULT_PAGE_SIZE

MAX_PAGE_SIZE = 100


def _whole_number(value: str, low: int, high: int | None = None) -> bool:
    # isdigit() also takes "²", which int() refuses; int() refuses over 4,300 digits.
    if not value.isdecimal() or len(value) > 20:
        return False
    number = int(value)
    return number >= low and (high is None or number <= high)


class Pagination(PageNumberPagination):
    """``page`` (from 1, or "last") and ``page_size`` (1 to 100, default 25). A value that is not
    one of these is refused with 400 naming the parameter; a page beyond the last is 404."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        page = request.query_params.get(self.page_query_param)
        if page is not None and page not in self.last_page_strings and not _whole_number(page, 1):
            errors[self.page_query_param] = ["A page number is a whole number from 1, or “last”."]
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and not _whole_number(size, 1, MAX_PAGE_SIZE):
            errors[self.page_size_query_param] = [
                f"Rows per page is a whole number from 1 to {MAX_PAGE_SIZE}."
            ]
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)


@extend_schema_field(OpenApiTypes.URI)
class PageField(serializers.Field):
    """The record's page on the portal, as an absolute address."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        path = value.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


@extend_schema_field(OpenApiTypes.STR)
class CountryCodeField(serializers.RelatedField):
    """A country as its ISO 3166-1 alpha-2 code."""

    def to_representation(self, value):
        return value.code.code


def keys(field: str, **kwargs):
    """A to-many relation as the related records' stable keys (read-only)."""
    return serializers.SlugRelatedField(slug_field=field, many=True, read_only=True, **kwargs)


def key(field: str, **kwargs):
    """A to-one relation as the related record's stable key (read-only)."""
    return serializers.SlugRelatedField(slug_field=field, read_only=True, **kwargs)
