"""Each role's home page. The lists fill as children, allocations and placements arrive."""

from django.shortcuts import render

from accounts.decorators import role_required
from accounts.models import VIRTUAL_SCHOOL_STAFF, Role


@role_required(Role.SOCIAL_WORKER)
def caseload(request):
    return render(request, "children/caseload.html", {"children": []})


@role_required(Role.DESIGNATED_TEACHER)
def school_children(request):
    schools = request.user.schools.all()
    return render(request, "children/school_children.html", {"schools": schools, "children": []})


@role_required(*VIRTUAL_SCHOOL_STAFF)
def virtual_school_children(request):
    return render(request, "children/virtual_school_children.html", {"children": []})


@role_required(Role.CARER)
def carer_home(request):
    return render(request, "children/carer_home.html", {"children": []})


@role_required(Role.REVIEWING_OFFICER)
def reviewing(request):
    return render(request, "children/reviewing.html", {"children": []})
