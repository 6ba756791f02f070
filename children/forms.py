from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Fluid, Size
from django import forms

from accounts.govuk_forms import (
    GovukDateField,
    RevealingRadios,
    govuk_helper,
    ignore_unrevealed,
    person_filter_field,
    school_filter_field,
)
from accounts.models import Role, School, User
from accounts.once import OnceOnlyForm
from accounts.schools import SchoolSearchField

from .models import Child, Enrolment, Placement
from .school_year import year_group_label
from .services import CHILD_FIELDS, GRANTABLE_ROLES
from .upn import upn_normalise, validate_upn

PERSONAL_DATA_HINT = (
    "Write only what the PEP needs. Do not add health details or family history here."
)
YEAR_GROUP_CHOICES = [("", "Not set")] + [(str(y), year_group_label(y)) for y in range(-2, 15)]


def _save_button(label: str) -> Button:
    return Button("submit", label, type="submit")


class ChildForm(forms.ModelForm):
    date_of_birth = GovukDateField(label="Date of birth")
    date_entered_care = GovukDateField(label="Date entered care")
    date_left_care = GovukDateField(label="Date left care", required=False)
    ehc_plan_review_date = GovukDateField(label="EHC plan annual review date", required=False)
    year_group_override = forms.TypedChoiceField(
        label="Year group, if educated out of their age group",
        choices=YEAR_GROUP_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Leave as 'Not set' to use the year group that follows from the date of birth",
    )

    class Meta:
        model = Child
        fields = list(CHILD_FIELDS)
        widgets = {
            "gender": forms.RadioSelect,
            "legal_status": forms.RadioSelect,
            "sen_status": forms.RadioSelect,
        }
        error_messages = {
            "legal_first_name": {"required": "Enter the child's legal first name"},
            "legal_last_name": {"required": "Enter the child's legal last name"},
            "gender": {"required": "Choose the child's gender"},
            "council_child_id": {"required": "Enter the council's child ID"},
            "legal_status": {"required": "Choose the child's legal status"},
            "sen_status": {"required": "Choose the child's special educational needs status"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = Child.Gender.choices
        self.fields["legal_status"].choices = Child.LegalStatus.choices
        self.fields["sen_status"].choices = Child.SenStatus.choices
        # The model allows blank names for children imported from the SSDA903 return; a person
        # recording or correcting a child gives both.
        self.fields["legal_first_name"].required = True
        self.fields["legal_last_name"].required = True
        self.helper = govuk_helper(
            Fieldset(
                Field.text("legal_first_name", field_width=Fluid.ONE_HALF),
                Field.text("legal_last_name", field_width=Fluid.ONE_HALF),
                Field.text("preferred_name", field_width=Fluid.ONE_HALF),
                Field("date_of_birth"),
                Field.radios("gender", legend_size=Size.SMALL, inline=True),
                legend="The child",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("upn", field_width=Fixed.TEN),
                Field.text("council_child_id", field_width=Fixed.TEN),
                legend="Identifiers",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("date_entered_care"),
                Field("date_left_care"),
                Field.radios("legal_status", legend_size=Size.SMALL),
                legend="Care",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                RevealingRadios(
                    "sen_status", {Child.SenStatus.EHC_PLAN: [Field("ehc_plan_review_date")]}
                ),
                Field.select("year_group_override"),
                legend="Education",
                legend_size=Size.MEDIUM,
            ),
            _save_button("Save the child's details"),
        )

    REVEALS = {Child.SenStatus.EHC_PLAN: ("ehc_plan_review_date",)}

    def clean(self):
        cleaned = super().clean()
        ignore_unrevealed(self, "sen_status", self.REVEALS)
        return cleaned

    def clean_upn(self):
        upn = upn_normalise(self.cleaned_data.get("upn", ""))
        if upn:
            validate_upn(upn)
        return upn


class EnrolmentForm(forms.Form):
    school = SchoolSearchField()
    start_date = GovukDateField(label="Start date")
    end_date = GovukDateField(
        label="End date",
        required=False,
        help_text="Only for a school the child has already left, to complete their history",
    )
    year_group = forms.TypedChoiceField(
        label="Year group on joining",
        choices=YEAR_GROUP_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    attendance_pattern = forms.ChoiceField(
        choices=Enrolment.AttendancePattern.choices,
        initial=Enrolment.AttendancePattern.FULL_TIME,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the child attends"},
    )
    replaces_current = forms.BooleanField(
        label="This is a school move: the current school ends on this start date",
        help_text="A start date after today plans the move: nothing changes until that day",
        required=False,
    )

    def __init__(self, *args, has_current: bool, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [
            Field.text("school", field_width=Fluid.TWO_THIRDS),
            Field("start_date"),
            Field("end_date"),
            Field.select("year_group"),
            Field.radios("attendance_pattern", legend_size=Size.SMALL),
        ]
        if has_current:
            fields.append(Field.checkbox("replaces_current"))
        else:
            del self.fields["replaces_current"]
        self.helper = govuk_helper(*fields, _save_button("Save the school"))


class AttendanceChangeForm(forms.Form):
    attendance_pattern = forms.ChoiceField(
        label="How the child attends now",
        choices=Enrolment.AttendancePattern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the child attends now"},
    )
    changed_on = GovukDateField(label="Since when", help_text="For example, 27 3 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("attendance_pattern", legend_size=Size.SMALL),
            Field("changed_on"),
            _save_button("Save the change"),
        )


class EndDateForm(forms.Form):
    end_date = GovukDateField(label="End date")

    def __init__(self, *args, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(Field("end_date"), _save_button(button))


class TransferForm(forms.Form):
    social_worker = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a social worker",
        error_messages={"required": "Choose the social worker who takes the case"},
    )

    def __init__(self, *args, social_workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = social_workers
        self.helper = govuk_helper(Field.select("social_worker"), _save_button("Transfer the case"))


def _user_by_email(email: str, *, roles, message: str) -> User:
    user = User.objects.filter(email=email.strip().lower(), role__in=roles, is_active=True).first()
    if user is None:
        raise forms.ValidationError(message)
    return user


class PlacementForm(OnceOnlyForm, forms.Form):
    placement_type = forms.ChoiceField(
        label="Type of placement",
        choices=[("", "Choose the type of placement"), *Placement.PlacementType.choices],
        error_messages={"required": "Choose the type of placement"},
    )
    carer_email = forms.EmailField(
        label="Carer's email address",
        required=False,
        help_text="The email address of their PEP Portal account. Leave blank for a children's "
        "home without a carer account.",
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    second_carer_email = forms.EmailField(
        label="Second carer's email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    start_date = GovukDateField(label="Start date")
    replaces_current = forms.BooleanField(
        label="This replaces the current placement, which ends on this start date",
        required=False,
    )

    def __init__(self, *args, has_current: bool, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [
            Field.select("placement_type"),
            Field.text("carer_email", field_width=Fluid.TWO_THIRDS),
            Field.text("second_carer_email", field_width=Fluid.TWO_THIRDS),
            Field("start_date"),
        ]
        if has_current:
            fields.append(Field.checkbox("replaces_current"))
        else:
            del self.fields["replaces_current"]
        self.helper = govuk_helper(*fields, _save_button("Save the placement"))

    def _carer(self, name):
        email = self.cleaned_data.get(name)
        if not email:
            return None
        return _user_by_email(
            email, roles=[Role.CARER], message="No carer's account has this email address"
        )

    def clean_carer_email(self):
        return self._carer("carer_email")

    def clean_second_carer_email(self):
        return self._carer("second_carer_email")

    def carers(self) -> list[User]:
        found = [self.cleaned_data.get("carer_email"), self.cleaned_data.get("second_carer_email")]
        return list({carer.pk: carer for carer in found if carer}.values())


class AccessGrantForm(forms.Form):
    grantee = forms.EmailField(
        label="Email address of the person to give access",
        help_text="An independent reviewing officer, a teacher or a social worker with an account",
        error_messages={
            "required": "Enter the email address of the person to give access",
            "invalid": "Enter an email address like name@example.com",
        },
    )
    reason = forms.CharField(
        label="Why they need access",
        max_length=200,
        help_text="For example: care plan review on 3 March. " + PERSONAL_DATA_HINT,
        error_messages={"required": "Enter why this person needs access"},
    )
    expires_on = GovukDateField(label="Access ends on")
    exception_approved = forms.BooleanField(
        label="As the Virtual School head, I approve access for someone outside this child's "
        "Virtual School and school",
        help_text="Only for a person from another council or another school. The approval is "
        "recorded with your name.",
        required=False,
    )

    def __init__(self, *args, may_approve_exceptions: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [
            Field.text("grantee", field_width=Fluid.TWO_THIRDS),
            Field.text("reason"),
            Field("expires_on"),
        ]
        if may_approve_exceptions:
            layout.append(Field.checkbox("exception_approved"))
        else:
            del self.fields["exception_approved"]
        self.helper = govuk_helper(*layout, _save_button("Give access"))

    def clean_grantee(self):
        return _user_by_email(
            self.cleaned_data["grantee"],
            roles=GRANTABLE_ROLES,
            message="No reviewing officer, teacher or social worker has an account with this email",
        )


class ChildSearchForm(forms.Form):
    """The Virtual School's filters. Sent by GET; an unknown value is ignored, never a 500."""

    search = forms.CharField(label="Name, UPN or council ID", required=False, max_length=100)
    school = school_filter_field(
        queryset=School.objects.none(), required=False, empty_label="Any school"
    )
    social_worker = person_filter_field(
        queryset=User.objects.none(), required=False, empty_label="Any social worker"
    )
    year_group = forms.TypedChoiceField(
        choices=[("", "Any year group")] + YEAR_GROUP_CHOICES[1:],
        coerce=int,
        empty_value=None,
        required=False,
    )
    key_stage = forms.ChoiceField(required=False)
    sen_status = forms.ChoiceField(
        label="Special educational needs",
        choices=[("", "Any")] + list(Child.SenStatus.choices),
        required=False,
    )

    def __init__(self, *args, schools, social_workers, key_stages, extra_filters=(), user=None,
                 **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["social_worker"].queryset = social_workers
        self.fields["key_stage"].choices = [("", "Any key stage")] + [(k, k) for k in key_stages]
        # Filters the apps built on this one add (the PEP's state and rating, a term, ...).
        for list_filter in extra_filters:
            self.fields[list_filter.key] = forms.ChoiceField(
                label=list_filter.label,
                choices=[("", "Any")] + list(list_filter.choices(user)),
                required=False,
            )
