"""Roles as Django groups, their model permissions, and where each role starts.

Groups are created by a data migration; their permissions are attached after every `migrate`
(Django creates permission rows only then), so tests and production share the same roles.
Object permissions on individual children are granted separately, in `children/access.py`.
"""

from .models import Role

# Model-level permissions per role, as "app_label.codename". A permission that does not exist
# yet (its app's migration has not run) is skipped and attached on a later migrate.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.SOCIAL_WORKER: ("accounts.view_school",),
    Role.DESIGNATED_TEACHER: ("accounts.view_school",),
    Role.VIRTUAL_SCHOOL_OFFICER: ("accounts.view_school",),
    Role.VIRTUAL_SCHOOL_HEAD: ("accounts.view_school",),
    Role.CARER: (),
    Role.REVIEWING_OFFICER: (),
    Role.SYSTEM_ADMINISTRATOR: (
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_school",
        "accounts.add_school",
        "accounts.change_school",
        "accounts.view_virtualschool",
        "accounts.add_virtualschool",
        "accounts.change_virtualschool",
        "accounts.view_schoolmembership",
        "accounts.add_schoolmembership",
        "accounts.change_schoolmembership",
        "accounts.delete_schoolmembership",
        "accounts.view_singlesignon",
        "accounts.add_singlesignon",
        "accounts.change_singlesignon",
        "peps.view_pepsettings",
        "peps.add_pepsettings",
        "peps.change_pepsettings",
    ),
}

# The page each role lands on after signing in (URL names).
ROLE_HOME: dict[str, str] = {
    Role.SOCIAL_WORKER: "children:caseload",
    Role.DESIGNATED_TEACHER: "children:school_children",
    Role.VIRTUAL_SCHOOL_OFFICER: "reporting:dashboard",
    Role.VIRTUAL_SCHOOL_HEAD: "reporting:dashboard",
    Role.CARER: "children:carer_home",
    Role.REVIEWING_OFFICER: "children:reviewing",
    Role.SYSTEM_ADMINISTRATOR: "accounts:administration",
}

# The service navigation for each role: (label, URL name).
ROLE_NAVIGATION: dict[str, tuple[tuple[str, str], ...]] = {
    Role.SOCIAL_WORKER: (("My caseload", "children:caseload"), ("PEP deadlines", "peps:deadlines")),
    Role.DESIGNATED_TEACHER: (
        ("Children at my school", "children:school_children"),
        ("PEP deadlines", "peps:deadlines"),
    ),
    Role.VIRTUAL_SCHOOL_OFFICER: (
        ("Dashboard", "reporting:dashboard"),
        ("All children", "children:virtual_school_children"),
        ("PEP deadlines", "peps:deadlines"),
        ("Quality assurance", "peps:quality_queue"),
        ("Pupil Premium Plus", "funding:report"),
        ("Term dates", "peps:calendar"),
    ),
    Role.VIRTUAL_SCHOOL_HEAD: (
        ("Dashboard", "reporting:dashboard"),
        ("All children", "children:virtual_school_children"),
        ("PEP deadlines", "peps:deadlines"),
        ("Quality assurance", "peps:quality_queue"),
        ("Pupil Premium Plus", "funding:report"),
        ("Term dates", "peps:calendar"),
        ("People", "accounts:people"),
    ),
    Role.CARER: (("Your children", "children:carer_home"),),
    Role.REVIEWING_OFFICER: (("Children you review", "children:reviewing"),),
    Role.SYSTEM_ADMINISTRATOR: (
        ("Administration", "accounts:administration"),
        ("People", "accounts:people"),
    ),
}


def group_name(role: str) -> str:
    return Role(role).label


def virtual_school_staff_group_name(virtual_school_id: int) -> str:
    """The group of one Virtual School's officers and head: it holds access to its children."""
    return f"Virtual School {virtual_school_id} staff"


def school_staff_group_name(school_id: int) -> str:
    """The group of one school's designated teachers: it holds access to children on roll."""
    return f"School {school_id} designated teachers"


def sync_role_groups(*, group_model, permission_model) -> None:
    """Create a group per role and give it exactly the permissions listed above."""
    for role in Role:
        group, _ = group_model.objects.get_or_create(name=group_name(role))
        wanted = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)
