"""Finding a school in the national register (about 24,000 of them) by name, URN or postcode.

`school_search` is the one query; `SchoolSearchField` is how a form chooses a school with it.
Without JavaScript the field is a text box: a URN picks the school, anything else is searched
and the matches come back as radios to choose from. With JavaScript, GOV.UK's
accessible-autocomplete (static/js/school-search.js) suggests schools as the person types and
fills the box with "Name (URN 123456)", which the field reads the same way.
"""

import re

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Replace, Upper
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .models import School

RESULTS = 10
URN = re.compile(r"^\d{6}$")
URN_IN_LABEL = re.compile(r"\(URN (\d{6})\)\s*$")
POSTCODE_START = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d?[A-Z]{0,2}$")


def school_label(school: School) -> str:
    return f"{school.name} (URN {school.urn})"


def _plain(text: str) -> str:
    """Without apostrophes, so "st marys" finds St Mary's (as the index's expression)."""
    return text.replace("'", "").replace("\u2019", "")


def school_search(
    query: str, *, limit: int = RESULTS, schools: QuerySet[School] | None = None
) -> QuerySet[School]:
    """Schools matching every word of the query in their name, or whose URN or postcode starts
    with it: open schools first, then names that start with the query, then by name."""
    query = " ".join(query.split())[:100]
    if not query:
        return School.objects.none()
    compact = query.upper().replace(" ", "")
    words = Q()
    for word in _plain(query).split():
        # Upper-cased by the database, as the name is: SQLite's UPPER leaves "ô" as it is.
        words &= Q(name_plain__contains=Upper(Value(word)))
    match = words
    if compact.isdigit():
        match |= Q(urn__startswith=compact)
    elif POSTCODE_START.match(compact) and any(c.isdigit() for c in compact):
        # "NE12 7" is a postcode, not words of a name: the postcode's index alone answers it.
        match = Q(postcode_compact__startswith=compact)
    schools = School.objects.all() if schools is None else schools
    return (
        schools.annotate(
            name_plain=Upper(
                Replace(Replace("name", Value("'"), Value("")), Value("\u2019"), Value(""))
            ),
            postcode_compact=Upper(Replace("postcode", Value(" "), Value(""))),
        )
        .filter(match)
        .annotate(
            rank=Case(
                When(urn=compact, then=Value(0)),
                When(name__istartswith=query, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            closed=Case(
                When(status=School.Status.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("closed", "rank", "name", "urn")[:limit]
    )


class SchoolSearchWidget(forms.TextInput):
    """A search box, followed by the schools found when a search matched more than one."""

    class Media:
        css = {"all": ["accessible-autocomplete/accessible-autocomplete.min.css"]}
        js = ["accessible-autocomplete/accessible-autocomplete.min.js", "js/school-search.js"]

    def __init__(self, attrs=None):
        super().__init__(
            {"data-module": "app-school-search", "autocomplete": "off", "spellcheck": "false"}
            | (attrs or {})
        )
        self.candidates: list[School] = []

    def format_value(self, value):
        """Show a chosen school as its label, so a form shown again keeps the choice readable."""
        if isinstance(value, School):
            return school_label(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            school = School.objects.filter(pk=value).first() if not URN.match(str(value)) else None
            school = school or School.objects.filter(urn=str(value)).first()
            if school is not None:
                return school_label(school)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        """The box and the radios share the name; a chosen radio (last in the form) wins."""
        values = [v for v in data.getlist(name)] if hasattr(data, "getlist") else [data.get(name)]
        values = [v for v in values if v]
        return values[-1] if values else None

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {"data-search-url": reverse("accounts:school_search")} | (attrs or {})
        # crispy-forms-gds styles widgets by class name: this one styles itself.
        attrs["class"] = "govuk-input govuk-!-width-two-thirds" + (
            " govuk-input--error" if attrs.get("aria-invalid") == "true" else ""
        )
        box = super().render(name, value, attrs, renderer)
        if not self.candidates:
            return box
        base_id = (attrs or {}).get("id") or f"id_{name}"
        chosen = self.candidates[0].urn if len(self.candidates) == 1 else None
        items = format_html_join(
            "",
            '<div class="govuk-radios__item"><input class="govuk-radios__input" id="{}" '
            'name="{}" type="radio" value="{}" aria-describedby="{}-hint"{}>'
            '<label class="govuk-label govuk-radios__label" for="{}">{}</label>'
            '<div id="{}-hint" class="govuk-hint govuk-radios__hint">{}</div></div>',
            (
                (
                    f"{base_id}-{i}",
                    name,
                    s.urn,
                    f"{base_id}-{i}",
                    mark_safe(" checked")  # noqa: S308
                    if s.urn == chosen
                    else "",
                    f"{base_id}-{i}",
                    s.name,
                    f"{base_id}-{i}",
                    _hint(s),
                )
                for i, s in enumerate(self.candidates)
            ),
        )
        return format_html(
            '{}<fieldset class="govuk-fieldset govuk-!-margin-top-4">'
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Schools found'
            '</legend><div class="govuk-radios govuk-radios--small" data-module="govuk-radios">'
            "{}</div></fieldset>",
            box,
            items,
        )


def _hint(school: School) -> str:
    parts = [f"URN {school.urn}", school.postcode, school.council]
    if school.status == School.Status.CLOSED:
        parts.append("closed")
    return ", ".join(p for p in parts if p)


class SchoolSearchField(forms.Field):
    """A school, given by URN (typed, chosen from the results, or in an autocomplete label),
    or by its id (how forms posted before the search, and tests, give it)."""

    widget = SchoolSearchWidget
    default_error_messages = {
        "required": "Enter the school's name, URN or postcode",
        "not_found": "No school matches ‘%(query)s’: check the spelling, or search by URN or "
        "postcode",
        "choose": "Choose the school from the %(count)s found for ‘%(query)s’, or search again",
        "too_many": "More than %(count)s schools match ‘%(query)s’: choose one below or add "
        "more of the name, the town or the postcode",
    }

    def __init__(self, *, queryset: QuerySet[School] | None = None, **kwargs):
        kwargs.setdefault("help_text", "Search by the school's name, URN or postcode")
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else School.objects.all()

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, School):
            return value
        text = " ".join(str(value).split())
        labelled = URN_IN_LABEL.search(text)
        if labelled:
            text = labelled.group(1)
        if URN.match(text):
            school = self.queryset.filter(urn=text).first()
            if school is not None:
                return school
        elif text.isdigit():
            school = self.queryset.filter(pk=int(text)).first()
            if school is not None:
                return school
        found = list(school_search(text, limit=RESULTS + 1, schools=self.queryset))
        if len(found) == 1:
            self.widget.candidates = found
            raise forms.ValidationError(
                self.error_messages["choose"], code="choose", params={"count": 1, "query": text}
            )
        if not found:
            raise forms.ValidationError(
                self.error_messages["not_found"], code="not_found", params={"query": text}
            )
        self.widget.candidates = found[:RESULTS]
        code = "too_many" if len(found) > RESULTS else "choose"
        raise forms.ValidationError(
            self.error_messages[code],
            code=code,
            params={"count": RESULTS if code == "too_many" else len(found), "query": text},
        )

    def prepare_value(self, value):
        if isinstance(value, School):
            return school_label(value)
        return value
