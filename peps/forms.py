"""Forms made from the section definitions, and the forms of the PEP's other pages."""

from datetime import date
from decimal import Decimal

from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fixed, Fluid, Size
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.html import escape

from accounts.govuk_forms import GovukDateField, RevealingRadios, govuk_helper, ignore_unrevealed
from accounts.once import OnceOnlyForm

from .education import field_name
from .models import Pep, ReminderPreference, Target, TargetReview
from .sections import Kind, Question, QuestionType, Scale, Section, too_long_message
from .services import TARGET_FIELDS, TARGET_TEXT_LIMITS

FREE_TEXT_LIMIT = 5000


def _button(label: str, *, secondary: bool = False) -> Button:
    if secondary:
        return Button.secondary("submit", label, type="submit")
    return Button("submit", label, type="submit")


def _field_for(question: Question) -> forms.Field:
    common = {"label": question.label, "required": False, "help_text": question.help_text}
    if question.type in (QuestionType.TEXT, QuestionType.TEXTAREA):
        return forms.CharField(
            max_length=question.limit,
            widget=forms.Textarea(attrs={"rows": 4})
            if question.type == QuestionType.TEXTAREA
            else forms.TextInput,
            error_messages={"max_length": too_long_message(question.label, question.limit)},
            **common,
        )
    if question.type in (QuestionType.CHOICE, QuestionType.YES_NO):
        return forms.ChoiceField(
            choices=question.choices,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Choose one of the options"},
            **common,
        )
    if question.type == QuestionType.DATE:
        return GovukDateField(label=question.label, required=False, help_text=question.help_text)
    if question.type == QuestionType.NUMBER:
        return forms.IntegerField(
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            min_value=0,
            max_value=question.max_value,
            error_messages={
                "invalid": "Enter a whole number, like 2",
                "min_value": "Enter 0 or more",
                "max_value": f"Enter {question.max_value} or less",
            },
            **common,
        )
    if question.type == QuestionType.DECIMAL:
        return forms.DecimalField(
            widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            min_value=0,
            max_value=question.max_value,
            decimal_places=1,
            error_messages={
                "invalid": "Enter a number, like 2 or 1.5",
                "min_value": "Enter 0 or more",
                "max_value": f"Enter {question.max_value} or less",
                "max_decimal_places": "Enter a number with at most one decimal place, like 1.5",
            },
            **common,
        )
    return forms.DecimalField(  # PERCENT
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        min_value=0,
        max_value=100,
        decimal_places=1,
        error_messages={
            "invalid": "Enter a percentage, like 94.5",
            "min_value": "Enter a percentage from 0 to 100",
            "max_value": "Enter a percentage from 0 to 100",
            "max_decimal_places": "Enter a percentage with at most one decimal place",
        },
        **common,
    )


def _layout_for(question: Question):
    if question.type == QuestionType.YES_NO:
        return Field.radios(question.key, legend_size=Size.SMALL, inline=True)
    if question.type == QuestionType.CHOICE:
        return Field.radios(question.key, legend_size=Size.SMALL)
    if question.type == QuestionType.DATE:
        return Field(question.key)
    if question.type in (QuestionType.NUMBER, QuestionType.DECIMAL, QuestionType.PERCENT):
        return Field.text(question.key, field_width=Fixed.FIVE)
    if question.type == QuestionType.TEXTAREA:
        return Field.textarea(question.key, rows=4)
    return Field.text(question.key, field_width=Fluid.TWO_THIRDS)


class _AttainmentGrid:
    """The form fields of an attainment question: for each subject (fixed by the scale, or
    named by the school in rows), a grade for each of the scale's columns."""

    def __init__(self, question: Question, scale: Scale, saved: list, data=None):
        self.question, self.scale = question, scale
        if scale.named_by_school:
            rows = max(len(saved), int((data or {}).get(f"{question.key}__rows", 0) or 0))
            self.rows = list(range(rows + scale.blank_rows))
        else:
            self.rows = [key for key, _ in scale.subjects]
        self.saved = saved

    def fields(self) -> dict[str, forms.Field]:
        grades = [("", "Not recorded"), *self.scale.grades]
        fields = {}
        for row in self.rows:
            if self.scale.named_by_school:
                fields[field_name(self.question.key, row, "subject")] = forms.CharField(
                    label="Subject", required=False, max_length=100
                )
            for column, label in self.scale.columns:
                fields[field_name(self.question.key, row, column)] = forms.ChoiceField(
                    label=label,
                    choices=grades,
                    required=False,
                    error_messages={"invalid_choice": f"Choose a grade on the scale for {label}"},
                )
        if self.scale.named_by_school:
            fields[f"{self.question.key}__rows"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=len(self.rows)
            )
        return fields

    def initial(self) -> dict:
        initial = {}
        if self.scale.named_by_school:
            for index, result in enumerate(self.saved):
                initial[field_name(self.question.key, index, "subject")] = result.get("subject")
                for column, _ in self.scale.columns:
                    initial[field_name(self.question.key, index, column)] = result.get(column)
        else:
            by_subject = {result.get("subject"): result for result in self.saved}
            for row in self.rows:
                for column, _ in self.scale.columns:
                    value = by_subject.get(row, {}).get(column)
                    initial[field_name(self.question.key, row, column)] = value
        return initial

    def layout(self):
        rows = []
        for number, row in enumerate(self.rows, start=1):
            cells = [
                Field.select(field_name(self.question.key, row, c)) for c, _ in self.scale.columns
            ]
            if self.scale.named_by_school:
                cells.insert(0, Field.text(field_name(self.question.key, row, "subject"),
                                           field_width=Fixed.TWENTY))  # fmt: skip
                legend = f"Subject {number}"
            else:
                legend = self.scale.subject_label(row)
            rows.append(Fieldset(*cells, legend=legend, legend_size=Size.SMALL,
                                 css_class="app-grade-row"))  # fmt: skip
        hidden = [f"{self.question.key}__rows"] if self.scale.named_by_school else []
        return Fieldset(
            HTML(f'<p class="govuk-hint">{escape(self.scale.label)}: '
                 f"{escape(self.scale.hint)}</p>"),
            *rows,
            *hidden,
            legend=self.question.label,
            legend_size=Size.MEDIUM,
        )  # fmt: skip

    def value(self, cleaned: dict) -> list[dict]:
        results = []
        for row in self.rows:
            subject = (
                (cleaned.get(field_name(self.question.key, row, "subject")) or "").strip()
                if self.scale.named_by_school
                else row
            )
            grades = {
                column: cleaned.get(field_name(self.question.key, row, column)) or ""
                for column, _ in self.scale.columns
            }
            if self.scale.named_by_school and not subject and not any(grades.values()):
                continue  # an empty row
            if not self.scale.named_by_school and not any(grades.values()):
                continue
            results.append({"subject": subject, **{k: v for k, v in grades.items() if v}})
        return results


class SectionForm(forms.Form):
    """A section's questions. Nothing is required to save: mandatory questions only gate
    completing the PEP, so a half-finished section is never lost."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    OUT_OF_DATE = "This page was out of date. Your answers are below: save them again."

    def __init__(
        self, *args, section: Section, answers: dict, version: int, scale: Scale | None = None,
        **kwargs,
    ):  # fmt: skip
        initial = {"version": version}
        self.grids = {}
        for question in section.questions:
            value = answers.get(question.key)
            if question.type == QuestionType.ATTAINMENT:
                if scale is not None:
                    data = args[0] if args else kwargs.get("data")
                    grid = _AttainmentGrid(question, scale, value or [], data)
                    self.grids[question.key] = grid
                    initial.update(grid.initial())
                continue
            if question.type == QuestionType.DATE and value:
                value = date.fromisoformat(value)
            initial[question.key] = value
        super().__init__(*args, initial=initial, **kwargs)
        self.section = section
        self.reveals = {}  # question key: {choice value: keys of the questions it reveals}
        for question in section.questions:
            if question.revealed_by:
                controller, value = question.revealed_by
                self.reveals.setdefault(controller, {}).setdefault(value, ())
                self.reveals[controller][value] += (question.key,)
        layout = []
        for question in section.questions:
            if question.type == QuestionType.ATTAINMENT:
                if question.key in self.grids:
                    self.fields.update(self.grids[question.key].fields())
                    layout.append(self.grids[question.key].layout())
                continue
            self.fields[question.key] = _field_for(question)
            if question.revealed_by:
                continue  # laid out under the choice that reveals it
            if question.key in self.reveals:
                revealed = {
                    value: [_layout_for(section.question(key)) for key in keys]
                    for value, keys in self.reveals[question.key].items()
                }
                layout.append(RevealingRadios(question.key, revealed))
            else:
                layout.append(_layout_for(question))
        self.helper = govuk_helper("version", *layout, _button("Save and return to the PEP"))

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors or cleaned.get("version") is None:
            self.errors.pop("version", None)
            raise forms.ValidationError(self.OUT_OF_DATE)
        for controller, reveals in self.reveals.items():
            ignore_unrevealed(self, controller, reveals)
        return cleaned

    def answers(self) -> dict:
        """The cleaned answers in a form JSON keeps: dates as ISO text, decimals as text."""
        result = {}
        for question in self.section.questions:
            if question.type == QuestionType.ATTAINMENT:
                if question.key in self.grids:
                    value = self.grids[question.key].value(self.cleaned_data)
                    if value:
                        result[question.key] = value
                continue
            value = self.cleaned_data.get(question.key)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value.normalize()) if value == value.to_integral() else str(value)
            if value not in (None, ""):
                result[question.key] = value
        return result


class TargetForm(OnceOnlyForm, forms.ModelForm):
    due_by = GovukDateField(label="To be achieved by")
    ppplus_amount = forms.DecimalField(
        label="PP+ requested for this target (£)",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=0,
        help_text="Enter 0 if none. The PP+ must pay for what the actions above describe.",
        error_messages={
            "required": "Enter the PP+ amount, or 0",
            "invalid": "Enter an amount in pounds, like 150 or 150.50",
            "min_value": "The PP+ amount cannot be negative",
            "max_decimal_places": "Enter the amount in pounds and pence, like 150.50",
            "max_digits": "Enter an amount under £1,000,000",
            "max_whole_digits": "Enter an amount under £1,000,000",
        },
    )

    class Meta:
        model = Target
        fields = list(TARGET_FIELDS)
        widgets = {
            "area": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "baseline": forms.Textarea(attrs={"rows": 3}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"subject": "Subject (for an academic target)"}
        error_messages = {
            "area": {"required": "Choose the area of the target"},
            "description": {"required": "Enter the target"},
            "baseline": {"required": "Enter where the child is now"},
            "success_criteria": {"required": "Enter how you will know it is achieved"},
            "actions": {"required": "Enter the actions and who does them"},
            "owner": {"required": "Enter who is responsible"},
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("area") == Target.Area.ACADEMIC and not cleaned.get("subject", "").strip():
            self.add_error("subject", "Enter the subject of an academic target")
        return cleaned

    def __init__(self, *args, kind: str = "school_age", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = Target.areas_for(kind)
        for name, limit in TARGET_TEXT_LIMITS.items():
            text = self.fields[name]
            if text.max_length is None:  # the model's TextFields
                text.validators.append(MaxLengthValidator(limit))
            text.max_length = limit
            text.error_messages["max_length"] = too_long_message(str(text.label), limit)
        self.helper = govuk_helper(
            Field.radios("area", legend_size=Size.SMALL),
            Field.text("subject", field_width=Fluid.ONE_HALF),
            Field.textarea("description", rows=3),
            Field.textarea("baseline", rows=3),
            Field.textarea("success_criteria", rows=3),
            Field.textarea("actions", rows=3),
            Field.text("owner", field_width=Fluid.TWO_THIRDS),
            Field("due_by"),
            Field.text("ppplus_amount", field_width=Fixed.TEN),
            _button("Save the target"),
        )


class TargetReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Was the target achieved?",
        choices=TargetReview.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the target was achieved"},
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=FREE_TEXT_LIMIT,
        error_messages={"required": "Enter the evidence for the outcome"},
    )
    ppplus_impact = forms.CharField(
        label="Impact of the PP+ spent on it",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=FREE_TEXT_LIMIT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("evidence", rows=3),
            Field.textarea("ppplus_impact", rows=3),
            _button("Save the review"),
        )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Add a comment for the social worker and designated teacher",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter a comment"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.textarea("text", rows=3), _button("Add the comment", secondary=True)
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=FREE_TEXT_LIMIT,
        error_messages={"required": "Enter what needs to change"},
    )
    sections = forms.MultipleChoiceField(
        label="Sections that need work",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the sections that need work"},
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [(s.key, s.title) for s in sections]
        self.helper = govuk_helper(
            Field.textarea("reason", rows=4),
            Field.checkboxes("sections", legend_size=Size.SMALL, small=True),
            Button.warning("submit", "Return for amendments", type="submit"),
        )


class SignOffForm(forms.Form):
    feedback = forms.CharField(
        label="Feedback to the social worker and designated teacher",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=FREE_TEXT_LIMIT,
        required=False,
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        fields = []
        for section in sections:
            name = f"rating_{section.key}"
            self.fields[name] = forms.ChoiceField(
                label=section.title,
                choices=Pep.Rating.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Rate the section: {section.title}"},
            )
            fields.append(Field.radios(name, legend_size=Size.SMALL, inline=True, small=True))
        self.helper = govuk_helper(
            *fields, Field.textarea("feedback", rows=4), _button("Sign off the PEP")
        )

    def ratings(self) -> dict[str, str]:
        return {
            name.removeprefix("rating_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("rating_")
        }


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of PEP",
        choices=[(k.value, k.label) for k in Kind],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of PEP"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            _button("Change the kind", secondary=True),
        )


class TermForm(forms.Form):
    academic_year = forms.IntegerField(
        label="Academic year starting in",
        min_value=2000,
        max_value=2100,
        help_text="For 2026 to 2027, enter 2026",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the year the academic year starts in",
            "invalid": "Enter a year, like 2026",
            "min_value": "Enter a year, like 2026",
            "max_value": "Enter a year, like 2026",
        },
    )
    name = forms.ChoiceField(
        label="Term",
        choices=[("autumn", "Autumn"), ("spring", "Spring"), ("summer", "Summer")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the term"},
    )
    start_date = GovukDateField(label="First day of term")
    end_date = GovukDateField(label="Last day of term")
    half_term_start = GovukDateField(label="First day of the half term", required=False)
    half_term_end = GovukDateField(label="Last day of the half term", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("academic_year", field_width=Fixed.FIVE),
            Field.radios("name", legend_size=Size.SMALL, inline=True),
            Field("start_date"),
            Field("end_date"),
            Field("half_term_start"),
            Field("half_term_end"),
            _button("Save the term"),
        )


class ClosureDayForm(forms.Form):
    day = GovukDateField(label="Closure day")
    reason = forms.CharField(
        label="Reason", max_length=100, help_text="For example: INSET day", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field("day"),
            Field.text("reason", field_width=Fluid.ONE_HALF),
            _button("Add the closure day", secondary=True),
        )


class ReminderPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often do you want reminder emails?",
        choices=ReminderPreference.Frequency.choices,
        widget=forms.RadioSelect,
        help_text="Escalations (a PEP overdue for too long) are always emailed the day they "
        "happen. Every reminder shows on your PEP deadlines page whatever you choose.",
        error_messages={"required": "Choose how often you want reminder emails"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("frequency", legend_size=Size.MEDIUM), _button("Save your choice")
        )
