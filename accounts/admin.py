from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied

from audit.services import audit_changes, audit_record

from .models import ApiToken, School, SchoolMembership, SingleSignOn, User, VirtualSchool
from .services import api_token_revoke, user_sync_groups, user_two_factor_reset


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
    actions = ["reset_two_factor"]

    def has_add_permission(self, request):
        """People are invited (Administration, People), never given a typed password."""
        return False

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied("Passwords are chosen by their owners, from an invitation")

    @admin.action(description="Reset two-factor sign-in (a lost phone)")
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            user_two_factor_reset(actor=request.user, user=user)
        self.message_user(request, f"Two-factor sign-in reset for {queryset.count()} people")

    fieldsets = (
        (None, {"fields": ("email",)}),
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
    list_display = ["name", "urn", "council", "phase", "postcode", "status"]
    list_filter = ["status", "phase"]
    search_fields = ["name", "=urn", "postcode", "council"]
    readonly_fields = ["register_updated_at"]


class SingleSignOnForm(forms.ModelForm):
    issuer = forms.URLField(
        assume_scheme="https",
        help_text=SingleSignOn._meta.get_field("issuer").help_text,
    )

    class Meta:
        model = SingleSignOn
        fields = ["virtual_school", "issuer", "client_id", "client_secret", "email_domains",
                  "is_active"]  # fmt: skip
        widgets = {"client_secret": forms.PasswordInput(render_value=True)}

    def clean_email_domains(self):
        domains = [d.strip().lower() for d in self.cleaned_data["email_domains"].split(",")]
        domains = [d for d in domains if d]
        if not domains:
            raise forms.ValidationError("Enter at least one email domain")
        others = SingleSignOn.objects.exclude(pk=self.instance.pk)
        taken = sorted(d for other in others for d in other.domains if d in domains)
        if taken:
            raise forms.ValidationError(f"Another Virtual School signs in {', '.join(taken)}")
        return ", ".join(domains)


@admin.register(SingleSignOn)
class SingleSignOnAdmin(admin.ModelAdmin):
    """A Virtual School's OpenID Connect provider. Changes are audited (not the secret)."""

    form = SingleSignOnForm
    list_display = ["virtual_school", "issuer", "email_domains", "is_active"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="single_sign_on.changed" if change else "single_sign_on.created",
            obj=obj,
            changes={
                name: [form.initial.get(name), form.cleaned_data.get(name)]
                for name in form.changed_data
                if name != "client_secret"
            },
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with `manage.py create_api_token` (shown once); here they are revoked."""

    list_display = ["name", "prefix", "virtual_school", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.display(description="Virtual School")
    def virtual_school(self, token):
        return token.user.virtual_school

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, actor=request.user)
