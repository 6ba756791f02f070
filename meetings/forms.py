from datetime import datetime, time

from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Fluid, Size
from django import forms
from django.utils import timezone

from accounts.govuk_forms import (
    GovukDateField,
    RevealingRadios,
    govuk_helper,
    ignore_unrevealed,
)
from accounts.once import OnceOnlyForm

from .models import Invitation, Meeting
from .services import Invitee

# (role, label on the form, who in a message)
INVITEE_ROLES = [
    (Invitation.Role.DESIGNATED_TEACHER, "Designated teacher", "the designated teacher"),
    (Invitation.Role.CARER, "Carer", "the carer"),
    (Invitation.Role.VIRTUAL_SCHOOL, "Virtual School (if wanted)", "the Virtual School"),
    (Invitation.Role.CHILD, "The child or young person (as appropriate)", "the child"),
    (Invitation.Role.PARENT, "Parent or family member", "the parent"),
    (Invitation.Role.OTHER, "Another professional", "the other professional"),
]


class WhenWhereForm(forms.Form):
    day = GovukDateField(label="Date of the meeting")
    start_time = forms.TimeField(
        label="Start time",
        help_text="Use the 24-hour clock, like 09:30 or 14:00",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the start time",
            "invalid": "Enter the time like 09:30 or 14:00",
        },
    )
    duration_minutes = forms.TypedChoiceField(
        label="How long",
        coerce=int,
        choices=[(45, "45 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes")],
        initial=60,
    )
    mode = forms.ChoiceField(
        label="How people will meet",
        choices=Meeting.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose in person or online"},
    )
    location = forms.CharField(label="Where (in person)", required=False, max_length=200)
    online_link = forms.URLField(
        # A text input: crispy-forms-gds gives type="url" no GOV.UK class or focus style.
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "url"}),
        assume_scheme="https",
        max_length=2000,
        label="Link to join (online)",
        required=False,
        error_messages={"invalid": "Enter the full link, starting https://"},
    )
    allow_holiday = forms.BooleanField(
        label="Yes, hold the meeting on a day that is not a school day", required=False
    )

    # Only the place that goes with the way people meet counts (conditional reveal).
    REVEALS = {Meeting.Mode.IN_PERSON: ("location",), Meeting.Mode.ONLINE: ("online_link",)}

    def clean(self):
        cleaned = super().clean()
        ignore_unrevealed(self, "mode", self.REVEALS)
        return cleaned

    def starts_at(self) -> datetime:
        day, start = self.cleaned_data["day"], self.cleaned_data["start_time"]
        return timezone.make_aware(datetime.combine(day, time(start.hour, start.minute)))

    def when_where_layout(self):
        return (
            Fieldset(
                Field("day"),
                Field.text("start_time", field_width=Fixed.FIVE),
                Field.select("duration_minutes"),
                Field.checkbox("allow_holiday"),
                legend="When",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                RevealingRadios(
                    "mode",
                    {
                        Meeting.Mode.IN_PERSON: [
                            Field.text("location", field_width=Fluid.TWO_THIRDS)
                        ],
                        Meeting.Mode.ONLINE: [
                            Field.text("online_link", field_width=Fluid.TWO_THIRDS)
                        ],
                    },
                ),
                legend="Where",
                legend_size=Size.MEDIUM,
            ),
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            *self.when_where_layout(), Button("submit", "Save and send the change", type="submit")
        )


class ScheduleForm(OnceOnlyForm, WhenWhereForm):
    """When and where, and who is invited: the designated teacher and carer are filled in.
    While the PEP has a meeting still open, arranging another needs a tick."""

    def __init__(self, *args, suggested: dict, open_meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        rows = []
        confirm = []
        if open_meeting is not None:
            when = timezone.localtime(open_meeting.starts_at).strftime("%-d %B %Y at %H:%M")
            self.fields["another_confirmed"] = forms.BooleanField(
                label="Yes, arrange another meeting for this PEP as well",
                help_text=f"This PEP already has a meeting arranged for {when}. To move it, "
                "change that meeting instead.",
                required=False,
            )
            confirm = [
                Fieldset(
                    Field.checkbox("another_confirmed"),
                    legend="This PEP already has a meeting",
                    legend_size=Size.MEDIUM,
                )
            ]
        for role, label, _ in INVITEE_ROLES:
            name, email = f"{role}_name", f"{role}_email"
            self.fields[name] = forms.CharField(
                label=f"{label}: name", required=False, max_length=200
            )
            self.fields[email] = forms.EmailField(
                label=f"{label}: email address",
                required=False,
                max_length=254,
                error_messages={"invalid": "Enter an email address like name@example.com"},
            )
            if role in suggested:
                self.initial.setdefault(name, suggested[role][0])
                self.initial.setdefault(email, suggested[role][1])
            rows.append(
                Fieldset(
                    Field.text(name, field_width=Fluid.ONE_HALF),
                    Field.text(email, field_width=Fluid.ONE_HALF),
                    legend=label,
                    legend_size=Size.SMALL,
                )
            )
        self.helper = govuk_helper(
            *confirm,
            *self.when_where_layout(),
            Fieldset(*rows, legend="Who to invite", legend_size=Size.MEDIUM),
            Button("submit", "Arrange the meeting and send invitations", type="submit"),
        )

    def clean(self):
        cleaned = super().clean()
        for role, _, who in INVITEE_ROLES:
            if cleaned.get(f"{role}_name") and not cleaned.get(f"{role}_email"):
                if f"{role}_email" not in self.errors:
                    self.add_error(f"{role}_email", f"Enter an email address for {who}")
            if cleaned.get(f"{role}_email") and not cleaned.get(f"{role}_name", "").strip():
                self.add_error(f"{role}_name", f"Enter a name for {who}")
        return cleaned

    def invitees(self) -> list[Invitee]:
        return [
            Invitee(
                role, self.cleaned_data[f"{role}_name"].strip(), self.cleaned_data[f"{role}_email"]
            )
            for role, _, _ in INVITEE_ROLES
            if self.cleaned_data.get(f"{role}_name") and self.cleaned_data.get(f"{role}_email")
        ]


class RecordForm(forms.Form):
    notes = forms.CharField(
        label="What was discussed",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="Write what the plan needs. Leave out health details and family history.",
        error_messages={"required": "Enter what was discussed"},
    )

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        rows = []
        for invitation in invitations:
            came = f"attended_{invitation.pk}"
            why = f"absence_{invitation.pk}"
            self.fields[came] = forms.BooleanField(
                label=f"{invitation.name} ({invitation.get_role_display()}) attended",
                required=False,
                initial=invitation.attended,
            )
            self.fields[why] = forms.CharField(
                label=f"If {invitation.name} did not attend, why not",
                required=False,
                max_length=200,
                initial=invitation.absence_reason,
            )
            rows += [Field.checkbox(came), Field.text(why, field_width=Fluid.TWO_THIRDS)]
        self.invitations = list(invitations)
        self.helper = govuk_helper(
            Fieldset(*rows, legend="Who attended", legend_size=Size.MEDIUM),
            Field.textarea("notes", rows=5),
            Button("submit", "Save the record", type="submit"),
        )

    def attended(self) -> dict[int, bool]:
        return {i.pk: bool(self.cleaned_data.get(f"attended_{i.pk}")) for i in self.invitations}

    def absence_reasons(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data.get(f"absence_{i.pk}", "") for i in self.invitations}


class ActionForm(OnceOnlyForm, forms.Form):
    description = forms.CharField(
        label="Action", max_length=1000, error_messages={"required": "Enter the action"}
    )
    owner = forms.CharField(
        label="Who will do it", max_length=200, error_messages={"required": "Enter who will do it"}
    )
    due_date = GovukDateField(label="Due date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("description"),
            Field.text("owner", field_width=Fluid.ONE_HALF),
            Field("due_date"),
            Button.secondary("submit", "Add the action", type="submit"),
        )


class InviteesForm(forms.Form):
    """Who is invited, one person for each role, as when the meeting was arranged. Those taken
    off get a cancellation, those added an invitation."""

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        current = {}
        for invitation in invitations:
            current.setdefault(invitation.role, invitation)
        rows = []
        for role, label, _ in INVITEE_ROLES:
            name, email = f"{role}_name", f"{role}_email"
            self.fields[name] = forms.CharField(
                label=f"{label}: name", required=False, max_length=200
            )
            self.fields[email] = forms.EmailField(
                label=f"{label}: email address",
                required=False,
                max_length=254,
                error_messages={"invalid": "Enter an email address like name@example.com"},
            )
            if role in current:
                self.initial.setdefault(name, current[role].name)
                self.initial.setdefault(email, current[role].email)
            rows.append(
                Fieldset(
                    Field.text(name, field_width=Fluid.ONE_HALF),
                    Field.text(email, field_width=Fluid.ONE_HALF),
                    legend=label,
                    legend_size=Size.SMALL,
                )
            )
        self.helper = govuk_helper(
            Fieldset(
                *rows,
                legend="Who to invite",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save and send the invitations", type="submit"),
        )

    def clean(self):
        cleaned = super().clean()
        for role, _, who in INVITEE_ROLES:
            if cleaned.get(f"{role}_name") and not cleaned.get(f"{role}_email"):
                if f"{role}_email" not in self.errors:
                    self.add_error(f"{role}_email", f"Enter an email address for {who}")
            if cleaned.get(f"{role}_email") and not cleaned.get(f"{role}_name", "").strip():
                self.add_error(f"{role}_name", f"Enter a name for {who}")
        return cleaned

    def invitees(self) -> list[Invitee]:
        return [
            Invitee(
                role, self.cleaned_data[f"{role}_name"].strip(), self.cleaned_data[f"{role}_email"]
            )
            for role, _, _ in INVITEE_ROLES
            if self.cleaned_data.get(f"{role}_name") and self.cleaned_data.get(f"{role}_email")
        ]
