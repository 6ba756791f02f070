"""The child's views, one question a page (child mode beside an adult, or a young person's
link), and the carer's views. The adults' pages fetch the PEP through `pep_get_for_user` (404
without access) and ask `voice.services` who may act (403); the young person's pages need the
code, checked on every request, and show nothing but their own questions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_required
from accounts.govuk_forms import raise_on_form
from accounts.models import Role
from audit.context import client_address
from peps.selectors import pep_get_for_user

from . import services
from .forms import AnswerForm, CarerViewsForm, CodeForm, InvitationForm
from .models import CarerViews, ChildViews
from .questionnaires import WORDS_LIMIT, AskType, questionnaire_for

SESSION_KEY = "voice_invitations"


def _question_page(request, views: ChildViews, number: int, *, urls, actor):
    """One question: shown, or its answer kept and the next question shown."""
    questionnaire = views.form
    ask = questionnaire.ask(number)
    if ask is None:
        raise Http404("No such question")
    saved = views.answers.get(ask.key) or {}
    errors = {}
    values = {"choice": saved.get("choice", ""), "words": saved.get("words", "")}
    if request.method == "POST":
        form = AnswerForm(request.POST)
        form.is_valid()
        values = {"choice": form.cleaned_data.get("choice", ""),
                  "words": form.cleaned_data.get("words", "")}  # fmt: skip
        try:
            answer = services.clean_answer(ask, **values)
            services.child_views_answer(views=views, ask=ask, answer=answer, actor=actor)
        except ValidationError as error:
            errors = {key: messages_[0] for key, messages_ in error.message_dict.items()}
        else:
            if number < len(questionnaire.asks):
                return redirect(urls["question"](number + 1))
            return redirect(urls["send"])
    context = {
        "questionnaire": questionnaire,
        "ask": ask,
        "number": number,
        "total": len(questionnaire.asks),
        "values": values,
        "errors": errors,
        "is_scale": ask.type == AskType.SCALE,
        "has_choice": ask.type != AskType.WORDS,
        "has_words": ask.type != AskType.CHOICE,
        "options": [
            (value, label, f"voice/faces/{value}.svg" if ask.type == AskType.SCALE else "")
            for value, label in ask.options
        ],
        "words_limit": WORDS_LIMIT,
        "back": urls["question"](number - 1) if number > 1 else urls["start"],
        "exit": urls.get("exit"),
    }
    return render(request, "voice/question.html", context, status=400 if errors else 200)


def _send_page(request, views: ChildViews, *, urls, actor):
    if request.method == "POST":
        try:
            services.child_views_send(views=views, actor=actor)
        except ValidationError as error:
            return render(request, "voice/refused.html", {"reason": " ".join(error.messages)},
                          status=409)  # fmt: skip
        return redirect(urls["sent"])
    answers = [
        (number, ask.text, ask.answer_text(views.answers.get(ask.key) or {}))
        for number, ask in enumerate(views.form.asks, start=1)
    ]
    context = {
        "questionnaire": views.form,
        "answers": answers,
        "change": [urls["question"](n) for n, _, _ in answers],
        "back": urls["question"](len(answers)),
        "exit": urls.get("exit"),
    }
    context["rows"] = list(zip(answers, context["change"], strict=True))
    return render(request, "voice/check.html", context)


# The adults' side: child mode.


def _gatherer_pep(request, pep_id):
    pep = pep_get_for_user(user=request.user, pep_id=pep_id)
    if not services.may_gather_views(user=request.user, pep=pep):
        raise PermissionDenied
    return pep


def _child_mode_urls(pep, views):
    return {
        "question": lambda n: reverse("voice:child_mode_question", args=[pep.pk, views.pk, n]),
        "send": reverse("voice:child_mode_send", args=[pep.pk, views.pk]),
        "start": reverse("voice:child_mode", args=[pep.pk]),
        "sent": reverse("peps:section", args=[pep.pk, "child_views"]) + "?sent=1",
        "exit": reverse("peps:section", args=[pep.pk, "child_views"]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def child_mode(request, pep_id):
    """The adult's page before handing over the screen; starting opens the first question."""
    pep = _gatherer_pep(request, pep_id)
    if request.method == "POST":
        views = services.child_mode_start(pep=pep, actor=request.user)
        return redirect("voice:child_mode_question", pep_id=pep.pk, views_id=views.pk, number=1)
    questionnaire = questionnaire_for(pep.kind, pep.child.year_group())
    return render(
        request,
        "voice/child_mode_start.html",
        {"pep": pep, "child": pep.child, "questionnaire": questionnaire},
    )


def _child_mode_views(request, pep_id, views_id):
    pep = _gatherer_pep(request, pep_id)
    views = get_object_or_404(
        ChildViews, pk=views_id, pep=pep, way=ChildViews.Way.CHILD_MODE, adult=request.user
    )
    if views.submitted_at is not None:
        raise Http404("Already sent")
    return pep, views


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def child_mode_question(request, pep_id, views_id, number):
    pep, views = _child_mode_views(request, pep_id, views_id)
    return _question_page(
        request, views, number, urls=_child_mode_urls(pep, views), actor=request.user
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def child_mode_send(request, pep_id, views_id):
    pep, views = _child_mode_views(request, pep_id, views_id)
    response = _send_page(request, views, urls=_child_mode_urls(pep, views), actor=request.user)
    if request.method == "POST" and response.status_code == 302:
        messages.success(request, "The child's answers have been added to this PEP")
    return response


# The social worker invites the young person by link.


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, pep_id):
    pep = pep_get_for_user(user=request.user, pep_id=pep_id)
    refusal = services.invitation_refusal(user=request.user, pep=pep)
    if refusal:
        raise PermissionDenied(refusal)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, code = services.invitation_create(
                pep=pep, actor=request.user, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            # Shown on this response only: the code is kept nowhere.
            return render(
                request,
                "voice/invitation_made.html",
                {
                    "pep": pep,
                    "child": pep.child,
                    "invitation": invitation,
                    "code": services.format_code(code),
                    "link": request.build_absolute_uri(f"{reverse('voice:link')}?code={code}"),
                    "code_page": request.build_absolute_uri(reverse("voice:code")),
                },
            )
    live = pep.child_views_invitations.filter(used_at__isnull=True, revoked_at__isnull=True)
    return render(
        request,
        "voice/invite.html",
        {"pep": pep, "child": pep.child, "form": form, "live": live.first()},
        status=400 if form.errors else 200,
    )


# The young person's side: no sign-in, the code on every page.


def _too_many(request):
    return render(
        request,
        "voice/too_many.html",
        {"limit": services.LINK_FAILURES_PER_HOUR},
        status=429,
    )


def _opened(request, code):
    invitation = services.invitation_open(code=code, ip_address=client_address.get())
    verified = request.session.get(SESSION_KEY, [])
    if str(invitation.public_id) not in verified:
        request.session[SESSION_KEY] = [*verified, str(invitation.public_id)]
    return redirect("voice:link_question", invitation=invitation.public_id, number=1)


@never_cache
@require_http_methods(["GET", "POST"])
def code_entry(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return _opened(request, form.cleaned_data["code"])
        except services.TooManyGuesses:
            return _too_many(request)
        except services.LinkRefused as refused:
            form.add_error("code", str(refused))
    return render(request, "voice/code.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def link(request):
    """The emailed link, with the code in its query string (which logs never keep): checked,
    then the code leaves the address bar."""
    code = request.GET.get("code", "")
    if not code:
        return redirect("voice:code")
    try:
        return _opened(request, code)
    except services.TooManyGuesses:
        return _too_many(request)
    except services.LinkRefused as refused:
        return render(request, "voice/refused.html", {"reason": str(refused)}, status=403)


def _link_urls(invitation):
    public_id = invitation.public_id
    return {
        "question": lambda n: reverse("voice:link_question", args=[public_id, n]),
        "send": reverse("voice:link_send", args=[public_id]),
        "start": reverse("voice:link_question", args=[public_id, 1]),
        "sent": reverse("voice:link_sent"),
    }


def _link_views(request, invitation):
    try:
        found = services.invitation_check(
            public_id=invitation, verified=request.session.get(SESSION_KEY, [])
        )
    except services.LinkRefused as refused:
        return None, render(request, "voice/refused.html", {"reason": str(refused)}, status=403)
    return found, None


@never_cache
@require_http_methods(["GET", "POST"])
def link_question(request, invitation, number):
    found, refused = _link_views(request, invitation)
    if refused:
        return refused
    return _question_page(request, found.response, number, urls=_link_urls(found), actor=None)


@never_cache
@require_http_methods(["GET", "POST"])
def link_send(request, invitation):
    found, refused = _link_views(request, invitation)
    if refused:
        return refused
    response = _send_page(request, found.response, urls=_link_urls(found), actor=None)
    if request.method == "POST" and response.status_code == 302:
        verified = request.session.get(SESSION_KEY, [])
        request.session[SESSION_KEY] = [i for i in verified if i != str(found.public_id)]
    return response


def link_sent(request):
    return render(request, "voice/sent.html", {})


# The carer's views.


@role_required(Role.CARER)
@require_http_methods(["GET", "POST"])
def carer_views(request, pep_id):
    pep = services.carer_pep_in_progress(user=request.user, pep_id=pep_id)
    saved = CarerViews.objects.filter(pep=pep, carer=request.user).first()
    form = CarerViewsForm(request.POST or None, initial=saved.answers if saved else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.carer_views_save(pep=pep, carer=request.user, answers=form.cleaned_data)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "Thank you: your views have been sent to the social "
                             "worker and the school")  # fmt: skip
            return redirect("children:carer_home")
    return render(
        request,
        "voice/carer_views.html",
        {"pep": pep, "child": pep.child, "form": form, "saved": saved},
        status=400 if form.errors else 200,
    )
