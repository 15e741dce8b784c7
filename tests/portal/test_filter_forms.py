"""The filter forms' light rendering (unodc_portal/core/templatetags/filter_forms.py): a plain
select written in one pass is the HTML Django's templates write, selection, groups and escaping
included; other widgets are Django's own; an invalid field points at its message."""

import re

import pytest
from django import forms

from unodc_portal.core.templatetags.filter_forms import filter_control, is_plain_select


class SampleForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any"), ("a&b", "Tom & <Jerry>"), ("c", "C")],
                             required=False)
    grouped = forms.ChoiceField(choices=[("", "Any"), ("Asia", [("kg", "Kyrgyzstan")]),
                                         ("Europe", [("at", "Austria")])], required=False)
    year = forms.IntegerField(required=False, min_value=1990)
    many = forms.MultipleChoiceField(choices=[("x", "X")], required=False)


def normalised(html):
    html = re.sub(r">\s+<", "><", str(html)).strip()
    # Attributes in a fixed order: the two renderings may list them differently.
    def sort_attributes(tag):
        attributes = sorted(re.findall(r'[\w-]+(?:="[^"]*")?', tag.group(2)))
        return "<" + " ".join([tag.group(1), *attributes]) + ">"

    return re.sub(r"<(\w+)([^>]*)>", sort_attributes, html)


@pytest.mark.parametrize("data", [{}, {"kind": "a&b", "grouped": "at"}, {"kind": "zz"}])
@pytest.mark.parametrize("name", ["kind", "grouped"])
def test_a_plain_select_is_the_html_djangos_templates_write(data, name):
    field = SampleForm(data)[name]
    attrs = {"class": "form-select"}
    if field.errors:
        attrs = {"class": "form-select is-invalid", "aria-invalid": "true",
                 "aria-describedby": f"{field.auto_id}_error"}
    assert normalised(filter_control(field)) == normalised(field.as_widget(attrs=attrs))


def test_the_chosen_option_is_selected_and_labels_are_escaped():
    html = str(filter_control(SampleForm({"kind": "a&b"})["kind"]))
    assert '<option value="a&amp;b" selected>Tom &amp; &lt;Jerry&gt;</option>' in html
    assert '<option value="" selected>' not in html


def test_other_widgets_are_djangos_own_with_bootstraps_class():
    form = SampleForm({"year": "1900"})
    assert not is_plain_select(form["many"].field.widget)
    year = str(filter_control(form["year"]))
    assert 'class="form-control is-invalid"' in year
    assert 'aria-describedby="id_year_error"' in year and 'aria-invalid="true"' in year
    assert 'class="form-select"' in str(filter_control(form["many"]))
    assert "multiple" in str(filter_control(form["many"]))
