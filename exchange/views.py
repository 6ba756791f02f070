from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.govuk_forms import raise_on_form
from accounts.models import VIRTUAL_SCHOOL_STAFF

from . import feed, selectors, services
from .forms import ApplyForm, FeedUploadForm, Ssda903UploadForm
from .models import ImportRun
from .progress import progress_get

SHOWN = 500  # rows per table on the plan page; the counts give the rest
REFRESH_SECONDS = 3


@role_required(*VIRTUAL_SCHOOL_STAFF)
def index(request):
    runs = selectors.imports_of(user=request.user)[:20]
    return render(request, "exchange/index.html", {"runs": runs})


def _upload(request, *, format: str, form_class, template: str):
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = services.import_upload(
            actor=request.user,
            virtual_school=request.user.virtual_school,
            format=format,
            files=form.files_given(),
        )
        return redirect("exchange:detail", run_id=run.pk)
    return render(request, template, {"form": form, "columns": feed.COLUMNS})


@role_required(*VIRTUAL_SCHOOL_STAFF)
def upload_ssda903(request):
    return _upload(request, format=ImportRun.Format.SSDA903, form_class=Ssda903UploadForm,
                   template="exchange/upload_ssda903.html")  # fmt: skip


@role_required(*VIRTUAL_SCHOOL_STAFF)
def upload_feed(request):
    return _upload(request, format=ImportRun.Format.FEED, form_class=FeedUploadForm,
                   template="exchange/upload_feed.html")  # fmt: skip


def _detail(request, run: ImportRun, form: ApplyForm | None = None, status: int = 200):
    summary = run.summary or {}
    counts = summary.get("counts", {})
    if form is None and run.state == ImportRun.State.CHECKED:
        form = ApplyForm(
            initial={"fingerprint": summary.get("fingerprint")},
            has_refused=bool(counts.get("refused_rows")),
        )
    response = render(
        request,
        "exchange/detail.html",
        {
            "run": run,
            "summary": summary,
            "counts": counts,
            "shown": SHOWN,
            "create": summary.get("create", [])[:SHOWN],
            "change": summary.get("change", [])[:SHOWN],
            "unchanged": summary.get("unchanged", [])[:SHOWN],
            "refused": summary.get("refused", [])[:SHOWN],
            "progress": progress_get(run.pk, state=run.state) if run.is_running else None,
            "form": form,
            "page_has_error": run.state == ImportRun.State.UNREADABLE,
        },
        status=status,
    )
    if run.is_running:
        # Works without JavaScript and without a meta tag: the browser reloads the page.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@role_required(*VIRTUAL_SCHOOL_STAFF)
def detail(request, run_id: int):
    run = selectors.import_get_for_user(user=request.user, run_id=run_id)
    return _detail(request, run)


@role_required(*VIRTUAL_SCHOOL_STAFF)
@require_POST
def apply(request, run_id: int):
    run = selectors.import_get_for_user(user=request.user, run_id=run_id)
    form = ApplyForm(request.POST, has_refused=bool(run.counts.get("refused_rows")))
    if form.is_valid():
        try:
            services.import_confirm(
                actor=request.user,
                run=run,
                skip_refused=form.cleaned_data.get("skip_refused", False),
                fingerprint=form.cleaned_data["fingerprint"],
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            return redirect("exchange:detail", run_id=run.pk)
    run.refresh_from_db()
    return _detail(request, run, form=form, status=400)
