"""Pages where an administrator or a Virtual School head adds people (by invitation, one at a
time or from a CSV file) and changes their role, Virtual School, schools or sign-in."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .decorators import role_required
from .forms import PeopleImportForm, PersonForm
from .govuk_forms import raise_on_form
from .models import ROLES_IN_A_VIRTUAL_SCHOOL, Role, School, User, VirtualSchool
from .selectors import PEOPLE_MANAGERS, people_for_user
from .services import user_invite, user_invite_again, user_two_factor_reset, user_update
from .two_factor import has_two_factor

MAX_IMPORT_ROWS = 500
IMPORT_COLUMNS = ("email", "full_name", "role", "virtual_school", "school_urns")


def _person(request, user_id: int) -> User:
    person = people_for_user(user=request.user).filter(pk=user_id).first()
    if person is None:
        raise Http404
    return person


PEOPLE_PER_PAGE = 100


@role_required(*PEOPLE_MANAGERS)
def people_list(request):
    paginator = Paginator(people_for_user(user=request.user), PEOPLE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "people": page.object_list})


@role_required(*PEOPLE_MANAGERS)
def person_add(request):
    form = PersonForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        virtual_school, schools = form.organisation()
        try:
            person = user_invite(
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                virtual_school=virtual_school,
                schools=schools,
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, f"{person.full_name} has been sent an invitation")
            return redirect("accounts:people")
    return render(request, "accounts/person_form.html", {"form": form, "person": None})


@role_required(*PEOPLE_MANAGERS)
def person_change(request, user_id: int):
    person = _person(request, user_id)
    initial = {
        "full_name": person.full_name,
        "email": person.email,
        "role": person.role,
        "virtual_school": person.virtual_school_id,
        "school_urns": ", ".join(person.schools.values_list("urn", flat=True)),
        "is_active": person.is_active,
    }
    form = PersonForm(request.POST or None, actor=request.user, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        virtual_school, schools = form.organisation()
        try:
            user_update(
                actor=request.user,
                user=person,
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                virtual_school=virtual_school,
                schools=schools,
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['full_name']}'s details are saved")
            return redirect("accounts:people")
    context = {"form": form, "person": person, "has_app": has_two_factor(person)}
    return render(request, "accounts/person_form.html", context)


@role_required(*PEOPLE_MANAGERS)
@require_POST
def person_invite_again(request, user_id: int):
    person = _person(request, user_id)
    user_invite_again(actor=request.user, user=person)
    messages.success(request, f"{person.full_name} has been sent a new invitation")
    return redirect("accounts:person_change", user_id=person.pk)


@role_required(*PEOPLE_MANAGERS)
@require_POST
def person_two_factor_reset(request, user_id: int):
    person = _person(request, user_id)
    user_two_factor_reset(actor=request.user, user=person)
    messages.success(
        request, f"{person.full_name}'s authenticator app is removed: they set up a new one next"
    )
    return redirect("accounts:person_change", user_id=person.pk)


def _import_rows(actor: User, upload) -> tuple[list[dict], list[str]]:
    """Every row checked before any is saved: the rows to invite, or what is wrong, by row."""
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file must be a CSV file saved as UTF-8"]
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("email", "full_name", "role") if c not in headers]
    if missing:
        return [], [f"The first row must name the columns; missing: {', '.join(missing)}"]
    is_admin = actor.role == Role.SYSTEM_ADMINISTRATOR
    roles = {r.value: r for r in Role} | {r.label.lower(): r for r in Role}
    rows, errors, seen = [], [], set()
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            errors.append(f"The file has more than {MAX_IMPORT_ROWS} people: split it")
            break
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        email, role = row.get("email", "").lower(), roles.get(row.get("role", "").lower())
        problem = None
        if "@" not in email or len(email) > 254:
            problem = "enter an email address in the correct format"
        elif email in seen or User.objects.filter(email=email).exists():
            problem = f"{email} already has an account (or is in the file twice)"
        elif not row.get("full_name"):
            problem = "enter the person's full name"
        elif role is None or (not is_admin and role not in ROLES_IN_A_VIRTUAL_SCHOOL):
            problem = f"{row.get('role') or 'the role'} is not a role you can give"
        if problem:
            errors.append(f"Row {number}: {problem}")
            continue
        seen.add(email)
        virtual_school, schools = actor.virtual_school, []
        if is_admin:
            code = row.get("virtual_school", "")
            virtual_school = VirtualSchool.objects.filter(local_authority_code=code).first()
            if code and virtual_school is None:
                errors.append(f"Row {number}: no Virtual School has the code {code}")
                continue
            urns = [u for u in row.get("school_urns", "").replace(";", " ").split() if u]
            schools = list(School.objects.filter(urn__in=urns))
            if len(schools) != len(set(urns)):
                errors.append(f"Row {number}: a school URN is not known")
                continue
        elif role not in ROLES_IN_A_VIRTUAL_SCHOOL:
            virtual_school = None
        rows.append(
            {"email": email, "full_name": row["full_name"], "role": role.value,
             "virtual_school": virtual_school, "schools": schools, "number": number}
        )  # fmt: skip
    return rows, errors


@role_required(*PEOPLE_MANAGERS)
def people_import(request):
    """All or nothing: a file with any wrong row invites nobody, and says which rows."""
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        rows, errors = _import_rows(request.user, form.cleaned_data["file"])
        if not errors and not rows:
            errors = ["The file has no people in it"]
        if not errors:
            try:
                with transaction.atomic():
                    for row in rows:
                        number = row.pop("number")
                        user_invite(actor=request.user, **row)
            except ValidationError as error:
                errors = [f"Row {number}: {message}" for message in error.messages]
            else:
                messages.success(request, f"{len(rows)} invitations are being sent")
                return redirect("accounts:people")
        for message in errors:
            form.add_error("file", message)
    return render(request, "accounts/people_import.html", {"form": form})
