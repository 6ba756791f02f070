"""Error summaries link to inputs that exist, for every kind of field crispy-forms-gds renders."""

import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.govuk_forms import govuk_helper


class EveryKindOfFieldForm(forms.Form):
    name = forms.CharField(error_messages={"required": "Enter a name"})
    kind = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a kind"},
    )
    needs = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one need"},
    )
    born = DateInputField(label="Date of birth", require_all_fields=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("name"), Field.radios("kind"), Field.checkboxes("needs"), Field("born")
        )

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


def _render(form):
    request = RequestFactory().get("/")
    return render_to_string("includes/form_page.html", {"form": form, "request": request})


def test_every_error_summary_link_points_at_an_input_on_the_page():
    html = _render(EveryKindOfFieldForm(data={}))
    links = re.findall(r'<li><a href="#([^"]+)">', html)
    ids = set(re.findall(r'<input[^>]* id="([^"]+)"', html))
    assert len(links) == 5  # four fields and the form as a whole
    for target in links:
        assert target in ids, f"#{target} is not an input on the page"
    assert {"id_name", "id_kind_1", "id_needs_1", "id_born_0"} <= set(links)


def test_radios_carry_their_data_module():
    html = _render(EveryKindOfFieldForm(data={}))
    assert 'class="govuk-radios" data-module="govuk-radios"' in html


def test_non_field_errors_use_no_bootstrap_classes():
    html = _render(EveryKindOfFieldForm(data={}))
    assert "alert-danger" not in html
    assert "Something about the whole form" in html
