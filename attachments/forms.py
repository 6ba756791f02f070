from crispy_forms_gds.layout import Button, Field
from django import forms

from accounts.govuk_forms import GovukDateField, govuk_helper
from accounts.once import OnceOnlyForm

from . import content
from .models import Attachment

CHILD_RECORD = "child"


class AttachmentForm(OnceOnlyForm, forms.Form):
    """Checks what can be checked without the scanner; `attachments.services` checks the file's
    content and scans it, and its refusals are shown by the file field."""

    attach_to = forms.ChoiceField(
        label="Attach it to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it belongs to the child's record or the PEP"},
    )
    kind = forms.ChoiceField(
        label="Type of document",
        choices=Attachment.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of document"},
    )
    document_date = GovukDateField(
        label="Date of the document",
        help_text="The date it was written or made, for example 27 3 2026",
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=200,
        required=False,
        help_text="For example 'Spring term report'. Do not write health details here",
    )
    file = forms.FileField(
        label="Upload a file",
        help_text=f"A {content.ACCEPTED}, up to {content.MAX_BYTES // 1024 // 1024} MB. "
        "It is checked for viruses before it is kept",
        error_messages={
            "required": "Choose the file to attach",
            "empty": "The file is empty: choose the right one",
        },
    )

    def __init__(self, *args, open_pep=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(CHILD_RECORD, "The child's record (kept for every PEP)")]
        if open_pep is not None:
            choices.append((str(open_pep.pk), f"PEP {open_pep.version}, {open_pep.term}"))
        self.fields["attach_to"].choices = choices
        self.open_pep = open_pep
        self.helper = govuk_helper(
            Field.radios("attach_to", legend_size="m"),
            Field.radios("kind", legend_size="m"),
            Field("document_date"),
            Field.text("description"),
            Field("file"),
            Button("submit", "Check and attach the file", type="submit"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > content.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB: the largest that can be "
                f"attached is {content.MAX_BYTES // 1024 // 1024} MB"
            )
        return upload

    @property
    def pep(self):
        chosen = self.cleaned_data.get("attach_to")
        return self.open_pep if chosen and chosen != CHILD_RECORD else None
