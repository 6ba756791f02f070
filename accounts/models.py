from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    """What a person does in the PEP cycle. Each user has exactly one role."""

    SOCIAL_WORKER = "social_worker", "Social worker"
    DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
    VIRTUAL_SCHOOL_OFFICER = "vs_officer", "Virtual School officer"
    VIRTUAL_SCHOOL_HEAD = "vs_head", "Virtual School head"
    CARER = "carer", "Carer"
    REVIEWING_OFFICER = "reviewing_officer", "Independent reviewing officer"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"


# Roles whose holders work for one council's Virtual School or children's services.
ROLES_IN_A_VIRTUAL_SCHOOL = (
    Role.SOCIAL_WORKER,
    Role.VIRTUAL_SCHOOL_OFFICER,
    Role.VIRTUAL_SCHOOL_HEAD,
)
VIRTUAL_SCHOOL_STAFF = (Role.VIRTUAL_SCHOOL_OFFICER, Role.VIRTUAL_SCHOOL_HEAD)
# Designated teachers belong to schools (any council's), carers to no organisation.
ROLES_WITHOUT_A_VIRTUAL_SCHOOL = (Role.DESIGNATED_TEACHER, Role.CARER)


class VirtualSchool(models.Model):
    """A council's Virtual School: it owns the PEPs of the children that council looks after."""

    name = models.CharField(max_length=200, unique=True)
    council = models.CharField(max_length=200)
    local_authority_code = models.CharField(
        "DfE local authority code",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", "Enter the three-digit DfE local authority code")],
    )
    email = models.EmailField("Contact email", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    """A school or setting, identified by its DfE Unique Reference Number (URN)."""

    class Phase(models.TextChoices):
        EARLY_YEARS = "early_years", "Early years setting"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special school"
        ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"
        POST_16 = "post_16", "Post-16 (college or sixth form)"

    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "Enter a URN of six digits, like 100000")],
    )
    name = models.CharField(max_length=200)
    council = models.CharField("Council", max_length=200, help_text="The council the school is in")
    phase = models.CharField(max_length=30, choices=Phase.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.SYSTEM_ADMINISTRATOR)
        extra_fields.setdefault("full_name", "System administrator")
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in, by email address. Emails are stored in lower case."""

    email = models.EmailField("Email address", unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=Role.choices)
    virtual_school = models.ForeignKey(
        VirtualSchool,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text="Social workers and Virtual School staff belong to one Virtual School.",
    )
    schools = models.ManyToManyField(
        School, through="SchoolMembership", related_name="staff", blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "Can use the site administration",
        default=False,
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                name="user_virtual_school_matches_role",
                condition=(
                    Q(role__in=ROLES_IN_A_VIRTUAL_SCHOOL, virtual_school__isnull=False)
                    | Q(role__in=ROLES_WITHOUT_A_VIRTUAL_SCHOOL, virtual_school__isnull=True)
                    | Q(role__in=(Role.REVIEWING_OFFICER, Role.SYSTEM_ADMINISTRATOR))
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_virtual_school_staff(self) -> bool:
        return self.role in VIRTUAL_SCHOOL_STAFF


class SchoolMembership(models.Model):
    """A designated teacher's link to a school. Teachers reach children through their school."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="school_memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="one_membership_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.school}"


class SingleSignOn(models.Model):
    """A Virtual School's OpenID Connect provider (Microsoft Entra ID, say).

    Staff whose email address is at one of its domains sign in there, not with a password.
    Signing in never creates an account: the provider only proves who someone is, and that
    person must already have an active account here (made by an administrator or an import).
    """

    virtual_school = models.OneToOneField(
        VirtualSchool, on_delete=models.CASCADE, related_name="single_sign_on"
    )
    issuer = models.URLField(
        help_text="The provider's issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0 "
        "(its /.well-known/openid-configuration is read from there)",
    )
    client_id = models.CharField("Client ID", max_length=200)
    client_secret = models.CharField(max_length=500)
    email_domains = models.CharField(
        max_length=500,
        help_text="Comma-separated domains whose staff sign in here, e.g. northshire.gov.uk",
    )
    is_active = models.BooleanField("In use", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "single sign-on"
        verbose_name_plural = "single sign-on"

    def __str__(self) -> str:
        return f"Single sign-on for {self.virtual_school}"

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]


class PasswordResetRequest(models.Model):
    """One asked-for password reset, kept to limit how often an address or a client may ask.
    The address is kept as a SHA-256 digest only; rows older than a day are deleted."""

    email_digest = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Password reset asked for at {self.requested_at:%Y-%m-%d %H:%M}"


class FormSubmission(models.Model):
    """A form that made a change, by the one-off token it carried: a second post of the same
    form (a double click, a retry, a resent request) finds this row and changes nothing.
    Written only by `accounts.once.submit_once`."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    outcome_url = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Form {self.token} by user {self.user_id}"
