from crispy_forms_gds.layout import Button, Field
from django import forms

from accounts.govuk_forms import govuk_helper

from . import feed, ssda903
from .csvfiles import MAX_FILE_BYTES, FileRefused, read_csv


class CsvFileField(forms.FileField):
    """A CSV file with the given columns: a file that is too large, not CSV, or without the
    columns is refused here, next to the field; its rows are checked in the dry run."""

    def __init__(self, *, columns: tuple[str, ...], what: str, **kwargs):
        self.columns = columns
        kwargs.setdefault("error_messages", {"required": f"Choose the {what}"})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.0f} MB: the largest that can be "
                f"imported is {MAX_FILE_BYTES // 1024 // 1024} MB. Check it is the right file"
            )
        content = upload.read()
        try:
            read_csv(upload.name, content, self.columns)
        except FileRefused as refused:
            raise forms.ValidationError(refused.reason) from None
        return (upload.name[:200], content)


def _columns(columns) -> str:
    return ", ".join(columns)


class Ssda903UploadForm(forms.Form):
    header = CsvFileField(
        label="Header file",
        columns=ssda903.HEADER_COLUMNS,
        what="header file",
        help_text=f"Columns {_columns(ssda903.HEADER_COLUMNS)}",
    )
    episodes = CsvFileField(
        label="Episodes file",
        columns=ssda903.EPISODE_COLUMNS,
        what="episodes file",
        help_text=f"Columns {_columns(ssda903.EPISODE_COLUMNS)}",
    )
    uasc = CsvFileField(
        label="UASC file (optional)",
        columns=ssda903.UASC_COLUMNS,
        what="UASC file",
        required=False,
        help_text=f"Columns {_columns(ssda903.UASC_COLUMNS)}",
    )
    oc2 = CsvFileField(
        label="OC2 outcomes file (optional)",
        columns=ssda903.OC2_COLUMNS,
        what="OC2 file",
        required=False,
        help_text="Columns including CHILD, DOB and SDQ_SCORE",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field("header"),
            Field("episodes"),
            Field("uasc"),
            Field("oc2"),
            Button("submit", "Check the files", type="submit"),
        )

    def files_given(self) -> dict:
        return {kind: value for kind, value in self.cleaned_data.items() if value}


class FeedUploadForm(forms.Form):
    feed = CsvFileField(
        label="Feed file",
        columns=tuple(column.upper() for column in feed.COLUMNS),
        what="feed file",
        help_text="The columns are listed above",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(Field("feed"), Button("submit", "Check the file", type="submit"))

    def files_given(self) -> dict:
        return {"feed": self.cleaned_data["feed"]}


class ApplyForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput)
    skip_refused = forms.BooleanField(
        label="Skip the refused rows and apply the rest",
        required=False,
        help_text="The refused children are left as they are; the audit trail records that "
        "their rows were skipped",
    )

    def __init__(self, *args, has_refused: bool, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field("fingerprint")]
        if has_refused:
            fields.append(Field.checkbox("skip_refused"))
        else:
            del self.fields["skip_refused"]
        fields.append(Button("submit", "Apply the import", type="submit"))
        self.helper = govuk_helper(*fields)
