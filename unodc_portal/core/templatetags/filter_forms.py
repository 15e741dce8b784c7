"""The list pages' filter forms, rendered light (``templates/includes/filter_form.html``): the
form is drawn on every list request, and crispy's per-field templates and Django's
template-per-option selects cost more than the rows of the page.

``{{ field|filter_control }}`` is the field's widget with Bootstrap's class and, when the field
has an error, ``aria-invalid`` and the id of its message. A plain select (Django's own select
template, as every filter's choice of country, kind or sort) is written here in one pass
instead of one template per option; the HTML is the same.
"""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

SELECT_TEMPLATE = forms.Select.template_name
SELECTED = mark_safe(" selected")


@register.filter
def filter_control(field):
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    attrs = {"class": css}
    if field.errors:
        attrs = {"class": f"{css} is-invalid", "aria-invalid": "true",
                 "aria-describedby": f"{field.auto_id}_error"}
    if is_plain_select(widget):
        return plain_select(field, attrs)
    return field.as_widget(attrs=attrs)


def is_plain_select(widget) -> bool:
    """A single select drawn by Django's own templates (not a multiple or CSV select, nor one
    with its own rendering)."""
    return (
        isinstance(widget, forms.Select) and not widget.allow_multiple_selected
        and widget.template_name == SELECT_TEMPLATE
        and widget.option_template_name == forms.Select.option_template_name
        and type(widget).render is forms.Widget.render
    )


def plain_select(field, attrs):
    """What ``field.as_widget(attrs)`` gives for a plain select, without a template per
    option."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    groups = []
    for group_name, options, _index in context["optgroups"]:
        html = format_html_join("", '<option value="{}"{}{}>{}</option>', (
            (option["value"], SELECTED if option["selected"] else "",
             flatatt({k: v for k, v in option["attrs"].items() if k != "selected"}),
             option["label"])
            for option in options
        ))
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, html)
                      if group_name else html)
    return format_html('<select name="{}"{}>{}</select>', context["name"],
                       flatatt(context["attrs"]), mark_safe("".join(groups)))
