from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

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
    readonly_fields = ["last_login", "date_joined"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_sync_groups(user=form.instance)


@admin.register(VirtualSchool)
class VirtualSchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "council", "local_authority_code"]
    search_fields = ["name", "council"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "council", "phase"]
    list_filter = ["phase"]
    search_fields = ["name", "urn", "council"]
