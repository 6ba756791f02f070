"""What the API reads and writes. Writes go through the children app's services."""

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import School
from children.models import Child, Enrolment, Placement, SocialWorkerAllocation
from children.services import CHILD_FIELDS
from children.upn import upn_normalise, validate_upn

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


def _in_range(value: date | None) -> date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise serializers.ValidationError("Give a date between 1990 and 2100")
    return value


class RangedDateField(serializers.DateField):
    def to_internal_value(self, value):
        return _in_range(super().to_internal_value(value))


class ChildSerializer(serializers.ModelSerializer):
    current_school_urn = serializers.SerializerMethodField()
    current_social_worker_email = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = ["id", *CHILD_FIELDS, "current_school_urn", "current_social_worker_email"]
        read_only_fields = ["id"]
        extra_kwargs = {
            "year_group_override": {"min_value": -2, "max_value": 14},
        }

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_class is serializers.DateField:
            field_class = RangedDateField
        return field_class, kwargs

    def get_current_school_urn(self, child) -> str | None:
        current = [e for e in child.enrolments.all() if e.end_date is None]
        return current[0].school.urn if current else None

    def get_current_social_worker_email(self, child) -> str | None:
        current = [a for a in child.allocations.all() if a.end_date is None]
        return current[0].social_worker.email if current else None

    def validate_upn(self, value):
        value = upn_normalise(value or "")
        if value:
            validate_upn(value)
        return value


class EndSerializer(serializers.Serializer):
    end_date = RangedDateField()


class EnrolmentSerializer(serializers.ModelSerializer):
    school_urn = serializers.RegexField(r"^\d{6}$", max_length=6, source="school.urn")
    start_date = RangedDateField()
    end_date = RangedDateField(required=False, allow_null=True)
    replaces_current = serializers.BooleanField(
        write_only=True, default=False, help_text="A school move: the current school ends"
    )

    class Meta:
        model = Enrolment
        fields = ["id", "school_urn", "start_date", "end_date", "year_group",
                  "attendance_pattern", "replaces_current"]  # fmt: skip
        read_only_fields = ["id"]
        extra_kwargs = {"year_group": {"min_value": -2, "max_value": 14}}

    def validate_school_urn(self, value):
        if not School.objects.filter(urn=value).exists():
            raise serializers.ValidationError("No school in the register has this URN")
        return value


class AllocationSerializer(serializers.ModelSerializer):
    social_worker_email = serializers.EmailField(source="social_worker.email")
    start_date = RangedDateField(required=False)

    class Meta:
        model = SocialWorkerAllocation
        fields = ["id", "social_worker_email", "start_date", "end_date"]
        read_only_fields = ["id", "end_date"]


class PlacementSerializer(serializers.ModelSerializer):
    carer_emails = serializers.ListField(
        child=serializers.EmailField(), max_length=10, default=list
    )
    start_date = RangedDateField()
    end_date = RangedDateField(required=False, allow_null=True)
    replaces_current = serializers.BooleanField(
        write_only=True, default=False, help_text="A move: the current placement ends"
    )

    class Meta:
        model = Placement
        fields = ["id", "placement_type", "carer_emails", "start_date", "end_date",
                  "replaces_current"]  # fmt: skip
        read_only_fields = ["id"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["carer_emails"] = sorted(c.email for c in instance.carers.all())
        return data


class SignedOffCopySerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    size = serializers.IntegerField(allow_null=True)
    download = serializers.CharField(help_text="The PDF, at this path of the API")


class PepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    term = serializers.CharField(source="term.__str__")
    version = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    due_date = serializers.DateField(allow_null=True)
    due_reason = serializers.CharField()
    signed_off_at = serializers.DateTimeField(allow_null=True)
    signed_off_copy = serializers.SerializerMethodField()

    @extend_schema_field(SignedOffCopySerializer(allow_null=True))
    def get_signed_off_copy(self, pep):
        copy = getattr(pep, "signed_off_copy", None)
        if copy is None or not copy.is_ready:
            return None
        return {
            "sha256": copy.sha256,
            "size": copy.size,
            "download": f"/api/peps/{pep.pk}/copy/",
        }
