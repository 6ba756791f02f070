from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from audit.services import audit_changes, audit_record

from .models import School, SchoolMembership, User, VirtualSchool
from .services import user_sync_groups


class SchoolMembershipInline(admin.TabularInline):
    model = SchoolMembership
    extra = 0
    autocomplete_fields = ["school"]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "virtual_school")


class UserChangeFormForEmail(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People who sign in. A person's group always follows their role."""

    form = UserChangeFormForEmail
    add_form = UserCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "role", "virtual_school", "is_active", "last_login"]
    list_filter = ["role", "virtual_school", "is_active"]
    search_fields = ["full_name", "email"]
    inlines = [SchoolMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role", "virtual_school")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "role",
                    "virtual_school",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        """A role or council is set when the account is made: access to children follows from
        them, so changing one means a new account. Only a superuser grants admin rights."""
        readonly = ["last_login", "date_joined"]
        if obj is not None:
            readonly += ["role", "virtual_school"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff"]
        return readonly

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = {
            name: [form.initial.get(name), form.cleaned_data.get(name)]
            for name in form.changed_data
            if name not in ("password", "password1", "password2")
        }
        audit_record(
            actor=request.user,
            action="user.changed" if change else "user.created",
            obj=obj,
            changes=audit_changes({k: v[0] for k, v in changes.items()},
                                  {k: v[1] for k, v in changes.items()}),
        )  # fmt: skip

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.school_memberships.values_list("school_id", flat=True))
        super().save_related(request, form, formsets, change)
        user_sync_groups(user=form.instance)
        after = set(form.instance.school_memberships.values_list("school_id", flat=True))
        if before != after:
            audit_record(
                actor=request.user,
                action="user.schools_changed",
                obj=form.instance,
                changes={"schools": [sorted(before), sorted(after)]},
            )


@admin.register(VirtualSchool)
class VirtualSchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "council", "local_authority_code"]
    search_fields = ["name", "council"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "council", "phase"]
    list_filter = ["phase"]
    search_fields = ["name", "urn", "council"]
