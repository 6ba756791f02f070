"""The dashboard's filters: the same keys as the Virtual School's list, so links carry them."""

from crispy_forms_gds.layout import Button, Field, Fixed, Size
from django import forms
from django.utils import timezone

from accounts.govuk_forms import govuk_helper, person_filter_field, school_filter_field
from accounts.models import School, User
from children.selectors import KEY_STAGES
from peps.models import Pep

from .annual import SMALL_COUNT
from .conditions import AREAS
from .periods import academic_years, year_label, year_of


class DashboardForm(forms.Form):
    """Sent by GET; an unknown value is ignored (a stale link), never a 500."""

    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int, required=False)
    term = forms.ChoiceField(label="Term", required=False)
    pep_state = forms.ChoiceField(
        label="The term's PEP", choices=[("", "Any")] + Pep.State.choices, required=False
    )
    qa_rating = forms.ChoiceField(
        label="Quality rating", choices=[("", "Any")] + Pep.Rating.choices, required=False
    )
    key_stage = forms.ChoiceField(
        label="Key stage", choices=[("", "Any")] + [(k, k) for k in KEY_STAGES], required=False
    )
    social_worker = person_filter_field(
        queryset=User.objects.none(), required=False, empty_label="Any"
    )
    school = school_filter_field(queryset=School.objects.none(), required=False, empty_label="Any")
    area = forms.ChoiceField(
        label="School's area",
        choices=[("", "Any")] + [(k, label) for k, (label, _) in AREAS.items()],
        required=False,
    )

    def __init__(self, *args, terms, schools, social_workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = terms
        self.fields["academic_year"].choices = [("", "The current one")] + [
            (year, year_label(year)) for year in academic_years(terms)
        ]
        self.fields["term"].choices = [("", "The current one")] + [
            (str(term.pk), str(term)) for term in reversed(terms)
        ]
        self.fields["school"].queryset = schools
        self.fields["social_worker"].queryset = social_workers

    def values(self) -> dict[str, str]:
        """The valid filters as the list takes them; a term outside the chosen year gives way
        to that year's latest term that has started (or its first)."""
        self.is_valid()
        data = self.cleaned_data
        values = {
            "pep_state": data.get("pep_state", ""),
            "qa_rating": data.get("qa_rating", ""),
            "key_stage": data.get("key_stage", ""),
            "social_worker": str(data["social_worker"].pk) if data.get("social_worker") else "",
            "school": str(data["school"].pk) if data.get("school") else "",
            "area": data.get("area", ""),
            "term": data.get("term", ""),
        }
        year = data.get("academic_year")
        if year:
            in_year = [t for t in self.terms if t.academic_year == year]
            if in_year and values["term"] not in {str(t.pk) for t in in_year}:
                started = [t for t in in_year if t.start_date <= timezone.localdate()]
                values["term"] = str((started or in_year)[-1 if started else 0].pk)
        return values


class AnnualReportForm(forms.Form):
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int, required=False)
    published = forms.BooleanField(required=False)

    def __init__(self, *args, terms, small_count: int = SMALL_COUNT, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = academic_years(terms)
        self.fields["academic_year"].choices = [(y, year_label(y)) for y in self.years]
        self.fields[
            "published"
        ].label = (
            f"For publication: counts under {small_count} read \u201cfewer than {small_count}\u201d"
        )

    def default_year(self) -> int:
        """The current academic year, as the dashboard opens on; where it has no terms yet,
        the latest year before it that has them (else the first after it)."""
        current = year_of(timezone.localdate())
        if current in self.years or not self.years:
            return current
        earlier = [year for year in self.years if year < current]
        return (earlier or self.years[::-1])[0]


class DrawSampleForm(forms.Form):
    """The head's choice of term and share for a moderation round."""

    term = forms.ModelChoiceField(
        label="Term",
        queryset=None,
        empty_label=None,
        error_messages={"required": "Choose the term", "invalid_choice": "Choose the term"},
    )
    share_percent = forms.IntegerField(
        label="Share of each officer\u2019s signed-off PEPs to sample",
        help_text="A percentage, for example 10. Each officer has at least one PEP sampled.",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the share to sample, as a percentage",
            "invalid": "Enter the share as a whole number, for example 10",
            "min_value": "Enter a share between 1%% and 100%%",
            "max_value": "Enter a share between 1%% and 100%%",
        },
    )

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms
        self.helper = govuk_helper(
            Field.select("term"),
            Field.text("share_percent", field_width=Fixed.FOUR),
            Button("submit", "Draw the sample", type="submit"),
        )


class SecondRatingForm(forms.Form):
    """A rating per section, like the sign-off's, for the blind second rating."""

    def __init__(self, *args, sections, initial_ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = []
        for section in sections:
            name = f"rating_{section.key}"
            self.fields[name] = forms.ChoiceField(
                label=section.title,
                choices=Pep.Rating.choices,
                widget=forms.RadioSelect,
                initial=(initial_ratings or {}).get(section.key),
                error_messages={"required": f"Rate the section: {section.title}"},
            )
            fields.append(Field.radios(name, legend_size=Size.SMALL, inline=True, small=True))
        self.helper = govuk_helper(*fields, Button("submit", "Save the ratings", type="submit"))

    def ratings(self) -> dict[str, str]:
        return {
            name.removeprefix("rating_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("rating_")
        }
