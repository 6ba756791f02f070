from datetime import datetime, time

from crispy_forms_gds.layout import Button, Div, Field, Fieldset, Fixed, Fluid, Size
from django import forms
from django.utils import timezone

from accounts.govuk_forms import (
    GovukDateField,
    RevealingRadios,
    govuk_helper,
    ignore_unrevealed,
)
from accounts.once import OnceOnlyForm

from .models import REASON_REQUIRED_FOR, Attendance, Invitation, Meeting
from .services import Invitee, TookPart

# (role, label on the form, who in a message)
INVITEE_ROLES = [
    (Invitation.Role.DESIGNATED_TEACHER, "Designated teacher", "the designated teacher"),
    (Invitation.Role.CARER, "Carer", "the carer"),
    (Invitation.Role.VIRTUAL_SCHOOL, "Virtual School (if wanted)", "the Virtual School"),
    (Invitation.Role.CHILD, "The child or young person (as appropriate)", "the child"),
    (Invitation.Role.PARENT, "Parent or family member", "the parent"),
    (Invitation.Role.OTHER, "Another professional", "the other professional"),
]
# A carer, a parent or the child may have no account: the invitation, with its calendar entry,
# goes to the address given, and nothing in it needs signing in.
WITHOUT_ACCOUNTS = (Invitation.Role.CARER, Invitation.Role.PARENT, Invitation.Role.CHILD)
NO_ACCOUNT_NEEDED = (
    "They do not need an account: the invitation and calendar entry go to this address"
)


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
                help_text=NO_ACCOUNT_NEEDED if role in WITHOUT_ACCOUNTS else "",
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


OTHER_ROLES = [
    (Invitation.Role.PARENT, "Parent or family member"),
    (Invitation.Role.OTHER, "Another professional"),
    (Invitation.Role.VIRTUAL_SCHOOL, "Virtual School"),
    (Invitation.Role.DESIGNATED_TEACHER, "School staff"),
    (Invitation.Role.CARER, "Carer"),
]
OTHER_ROWS = 3


def _attendance_field(legend: str, *, initial: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=legend,
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        initial=initial or None,
        error_messages={"required": f"Choose how {legend.split(' (')[0]} took part"},
    )


def _reason_field(name: str, *, initial: str = "", required_note: bool) -> forms.CharField:
    return forms.CharField(
        label=f"If {name} did not attend, why not",
        help_text="Required for the child and the carer" if required_note else "",
        required=False,
        max_length=200,
        initial=initial,
    )


class RecordForm(forms.Form):
    """Who chaired, who took part and how, and what was discussed. The child and a carer are
    always on it, invited or not (Enfield's rule: the reason is recorded when either did not
    attend); up to three more people who took part without an invitation."""

    chaired_by = forms.CharField(
        label="Who chaired the meeting",
        max_length=200,
        error_messages={"required": "Enter who chaired the meeting"},
    )
    notes = forms.CharField(
        label="What was discussed",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="Write what the plan needs. Leave out health details and family history.",
        error_messages={"required": "Enter what was discussed"},
    )

    def __init__(self, *args, meeting, child_name: str, carer_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = list(meeting.current_invitations())
        participants = list(meeting.participants.all())
        self.initial.setdefault("chaired_by", meeting.chaired_by or meeting.created_by.full_name)
        self.initial.setdefault("notes", meeting.notes)
        rows = []
        for invitation in self.invitations:
            legend = f"{invitation.name} ({invitation.get_role_display()})"
            self.fields[f"attendance_{invitation.pk}"] = _attendance_field(
                legend, initial=invitation.attendance
            )
            self.fields[f"absence_{invitation.pk}"] = _reason_field(
                invitation.name,
                initial=invitation.absence_reason,
                required_note=invitation.role in REASON_REQUIRED_FOR,
            )
            rows.append(
                self._person(legend, f"attendance_{invitation.pk}", f"absence_{invitation.pk}")
            )
        invited_roles = {invitation.role for invitation in self.invitations}
        # The child and the carer, when not invited by email, are recorded all the same.
        self.slots = [
            role
            for role in (Invitation.Role.CHILD, Invitation.Role.CARER)
            if role not in invited_roles
        ]
        defaults = {Invitation.Role.CHILD: child_name, Invitation.Role.CARER: carer_name}
        for role in self.slots:
            earlier = next((p for p in participants if p.role == role), None)
            if earlier is not None:
                participants.remove(earlier)
            who = "The child or young person" if role == Invitation.Role.CHILD else "The carer"
            self.fields[f"{role}_name"] = forms.CharField(
                label=f"{who}: name",
                max_length=200,
                initial=earlier.name if earlier else defaults[role],
                error_messages={"required": f"Enter the name of {who.lower()}"},
            )
            self.fields[f"{role}_attendance"] = _attendance_field(
                f"How {who.lower()} took part", initial=earlier.attendance if earlier else ""
            )
            self.fields[f"{role}_attendance"].error_messages["required"] = (
                f"Choose how {who.lower()} took part"
            )
            self.fields[f"{role}_absence"] = _reason_field(
                who.lower(),
                initial=earlier.absence_reason if earlier else "",
                required_note=True,
            )
            rows.append(
                Fieldset(
                    Field.text(f"{role}_name", field_width=Fluid.ONE_HALF),
                    Field.radios(f"{role}_attendance", legend_size=Size.SMALL),
                    Field.text(f"{role}_absence", field_width=Fluid.TWO_THIRDS),
                    legend=f"{who} (not invited by email)",
                    legend_size=Size.SMALL,
                )
            )
        others = []
        for n in range(max(OTHER_ROWS, len(participants) + 1)):
            earlier = participants[n] if n < len(participants) else None
            self.fields[f"other{n}_name"] = forms.CharField(
                label="Name",
                required=False,
                max_length=200,
                initial=earlier.name if earlier else "",
            )
            self.fields[f"other{n}_role"] = forms.ChoiceField(
                label="Role",
                choices=OTHER_ROLES,
                required=False,
                initial=earlier.role if earlier else Invitation.Role.PARENT,
            )
            self.fields[f"other{n}_attendance"] = forms.ChoiceField(
                label="How they took part",
                choices=Attendance.choices,
                required=False,
                initial=earlier.attendance if earlier else Attendance.WHOLE,
            )
            others.append(
                Fieldset(
                    Field.text(f"other{n}_name", field_width=Fluid.ONE_HALF),
                    Field.select(f"other{n}_role"),
                    Field.select(f"other{n}_attendance"),
                    legend=f"Someone else who took part ({n + 1})",
                    legend_size=Size.SMALL,
                )
            )
        self.other_rows = len(others)
        self.helper = govuk_helper(
            Field.text("chaired_by", field_width=Fluid.ONE_HALF),
            Fieldset(*rows, legend="Who took part", legend_size=Size.MEDIUM),
            Fieldset(
                *others,
                legend="Others who took part without an invitation",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("notes", rows=5),
            Button("submit", "Save the record", type="submit"),
        )

    @staticmethod
    def _person(legend: str, attendance: str, absence: str):
        """The radios' own legend names the person; the reason follows them."""
        return Div(
            Field.radios(attendance, legend_size=Size.SMALL),
            Field.text(absence, field_width=Fluid.TWO_THIRDS),
        )

    def clean(self):
        cleaned = super().clean()
        for role in self.slots:
            if cleaned.get(f"{role}_attendance") and not Attendance.came(
                cleaned[f"{role}_attendance"]
            ):
                if not cleaned.get(f"{role}_absence", "").strip():
                    who = "the child" if role == Invitation.Role.CHILD else "the carer"
                    self.add_error(f"{role}_absence", f"Enter why {who} did not attend")
        for invitation in self.invitations:
            came = cleaned.get(f"attendance_{invitation.pk}")
            if (
                invitation.role in REASON_REQUIRED_FOR
                and came
                and not Attendance.came(came)
                and not cleaned.get(f"absence_{invitation.pk}", "").strip()
            ):
                self.add_error(
                    f"absence_{invitation.pk}", f"Enter why {invitation.name} did not attend"
                )
        return cleaned

    def took_part(self) -> list[TookPart]:
        data = self.cleaned_data
        lines = [
            TookPart(
                role=i.role,
                name=i.name,
                attendance=data[f"attendance_{i.pk}"],
                absence_reason=data.get(f"absence_{i.pk}", ""),
                invitation_id=i.pk,
            )
            for i in self.invitations
        ]
        lines += [
            TookPart(
                role=role,
                name=data[f"{role}_name"],
                attendance=data[f"{role}_attendance"],
                absence_reason=data.get(f"{role}_absence", ""),
            )
            for role in self.slots
        ]
        lines += [
            TookPart(
                role=data[f"other{n}_role"] or Invitation.Role.OTHER,
                name=data[f"other{n}_name"],
                attendance=data[f"other{n}_attendance"] or Attendance.WHOLE,
            )
            for n in range(self.other_rows)
            if data.get(f"other{n}_name", "").strip()
        ]
        return lines


class ActionDropForm(forms.Form):
    dropped_reason = forms.CharField(
        label="Why is the action dropped?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="For example, it is no longer needed because the child moved school.",
        error_messages={"required": "Enter why the action is dropped"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.textarea("dropped_reason", rows=3),
            Button.warning("submit", "Drop the action", type="submit"),
        )


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
                help_text=NO_ACCOUNT_NEEDED if role in WITHOUT_ACCOUNTS else "",
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
