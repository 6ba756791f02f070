from crispy_forms_gds.layout import Button, Field
from django import forms

from accounts.govuk_forms import govuk_helper

from .my_pep import LINE_MAX, MyTarget


class ChildFriendlyLinesForm(forms.Form):
    """One line a target: what it means, in words the child understands."""

    def __init__(self, *args, targets: list[MyTarget], name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_ids = {}
        layout = []
        for number, item in enumerate(targets, start=1):
            key = f"line_{item.target.pk}"
            self.fields[key] = forms.CharField(
                label=f"Target {number}: {item.heading}",
                required=False,
                max_length=LINE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=item.line if item.written else "",
                help_text=f"The target: {item.target.description}. Write it as you would say "
                f"it to {name}. Left empty, the target's own words are used",
            )
            self.target_ids[key] = item.target.pk
            layout.append(Field(key))
        layout.append(Button("submit", "Save the lines", type="submit"))
        self.helper = govuk_helper(*layout)

    def lines(self) -> dict[int, str]:
        return {self.target_ids[key]: value for key, value in self.cleaned_data.items()}
