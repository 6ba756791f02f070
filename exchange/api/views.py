"""The API for the council's social-care system.

A token belongs to one Virtual School and acts as its own Virtual School officer account, so
every read goes through the same access rules as the pages (a child of another council is not
found), every write through the children app's services (which audit it), and every call,
read or write, allowed or not, is written to the audit trail as `api.called`.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, School, User
from audit.services import audit_record
from children import services
from children.models import Child
from children.selectors import children_visible_to
from peps.documents.copies import signed_off_copy_download
from peps.selectors import signed_off_pep_get_for_user

from .authentication import ApiTokenAuthentication, HasApiToken
from .serializers import (
    AllocationSerializer,
    ChildSerializer,
    EndSerializer,
    EnrolmentSerializer,
    PepSerializer,
    PlacementSerializer,
)


def _service(call, **kwargs):
    """Run a service; its validation errors become a 400 naming the fields."""
    try:
        return call(**kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        raise ValidationError(detail) from error


class ApiView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasApiToken]
    audit_child: Child | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "child_id" in kwargs:
            self.child()  # 404 before anything else: the body is not even read

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        user = getattr(request, "user", None)
        match = request.resolver_match
        with transaction.atomic():
            audit_record(
                actor=user if user is not None and user.is_authenticated else None,
                action="api.called",
                child=self.audit_child,
                changes={
                    "method": [None, request.method],
                    "endpoint": [None, match.view_name if match else ""],
                    "status": [None, response.status_code],
                },
            )
        return response

    def child(self, *, lock=False) -> Child:
        """The token's Virtual School's child named in the URL, or 404."""
        user = self.request.user
        child = (
            children_visible_to(user=user)
            .filter(virtual_school_id=user.virtual_school_id, pk=self.kwargs["child_id"])
            .first()
        )
        if child is None:
            raise Http404("No such child")
        self.audit_child = child
        return child


def _children_of(user: User):
    return (
        children_visible_to(user=user)
        .filter(virtual_school_id=user.virtual_school_id)
        .prefetch_related("enrolments__school", "allocations__social_worker")
        .order_by("pk")
    )


class ChildQuery(serializers.Serializer):
    council_child_id = serializers.CharField(
        required=False, max_length=50, help_text="The council's own id for the child"
    )


@extend_schema(parameters=[ChildQuery])
class ChildList(ApiView, generics.ListCreateAPIView):
    """The Virtual School's children; a POST records a child the council looks after."""

    serializer_class = ChildSerializer

    def get_queryset(self):
        children = _children_of(self.request.user)
        query = ChildQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        council_child_id = query.validated_data.get("council_child_id")
        if council_child_id:
            children = children.filter(council_child_id=council_child_id)
        return children

    def perform_create(self, serializer):
        user = self.request.user
        child = _service(
            services.child_create,
            actor=user,
            virtual_school=user.virtual_school,
            **serializer.validated_data,
        )
        self.audit_child = child
        serializer.instance = child


class ChildDetail(ApiView, generics.RetrieveUpdateAPIView):
    """One child; PATCH changes the fields given."""

    serializer_class = ChildSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        child = self.child()
        return _children_of(self.request.user).get(pk=child.pk)

    def perform_update(self, serializer):
        child = _service(
            services.child_update,
            actor=self.request.user,
            child=serializer.instance,
            **serializer.validated_data,
        )
        serializer.instance = _children_of(self.request.user).get(pk=child.pk)


class EnrolmentList(ApiView, generics.ListCreateAPIView):
    """The child's schools; a POST records a school (by URN), or a move with replaces_current."""

    serializer_class = EnrolmentSerializer

    def get_queryset(self):
        return self.child().enrolments.select_related("school").order_by("start_date", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        school = School.objects.get(urn=data.pop("school")["urn"])
        serializer.instance = _service(
            services.enrolment_start, actor=self.request.user, child=self.child(), school=school,
            **data,
        )  # fmt: skip


class AllocationList(ApiView, generics.ListCreateAPIView):
    """The child's social workers; a POST moves the case to a social worker (by email)."""

    serializer_class = AllocationSerializer

    def get_queryset(self):
        return self.child().allocations.select_related("social_worker").order_by("start_date")

    def perform_create(self, serializer):
        child = self.child()
        email = serializer.validated_data["social_worker"]["email"].lower()
        social_worker = User.objects.filter(
            email=email, role=Role.SOCIAL_WORKER, virtual_school_id=child.virtual_school_id
        ).first()
        if social_worker is None:
            raise ValidationError(
                {"social_worker_email": ["No social worker of this council has this email"]}
            )
        serializer.instance = _service(
            services.child_transfer_case,
            actor=self.request.user,
            child=child,
            social_worker=social_worker,
            start_date=serializer.validated_data.get("start_date"),
        )


class PlacementList(ApiView, generics.ListCreateAPIView):
    """The child's placements; a POST records one, with its carers by email."""

    serializer_class = PlacementSerializer

    def get_queryset(self):
        return self.child().placements.prefetch_related("carers").order_by("start_date", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        emails = sorted({e.lower() for e in data.pop("carer_emails", [])})
        carers = list(User.objects.filter(email__in=emails, role=Role.CARER))
        missing = sorted(set(emails) - {c.email for c in carers})
        if missing:
            raise ValidationError({"carer_emails": [f"No carer has the email {missing[0]}"]})
        serializer.instance = _service(
            services.placement_start, actor=self.request.user, child=self.child(),
            carers=carers, **data,
        )  # fmt: skip


class _EndView(ApiView):
    related = ""
    end_service = None
    serializer_class = None

    def post(self, request, child_id, period_id):
        child = self.child()
        period = get_object_or_404(
            getattr(child, self.related).filter(end_date__isnull=True), pk=period_id
        )
        ending = EndSerializer(data=request.data)
        ending.is_valid(raise_exception=True)
        period = _service(
            type(self).end_service,
            actor=request.user,
            **{self.related[:-1]: period},
            end_date=ending.validated_data["end_date"],
        )
        return Response(self.serializer_class(period).data, status=status.HTTP_200_OK)


@extend_schema(request=EndSerializer, responses=EnrolmentSerializer)
class EnrolmentEnd(_EndView):
    """The child left this school on end_date."""

    related = "enrolments"
    end_service = services.enrolment_end
    serializer_class = EnrolmentSerializer


@extend_schema(request=EndSerializer, responses=PlacementSerializer)
class PlacementEnd(_EndView):
    """This placement ended on end_date."""

    related = "placements"
    end_service = services.placement_end
    serializer_class = PlacementSerializer


class PepList(ApiView, generics.ListAPIView):
    """The child's PEPs: each one's state, due date (and why) and its signed-off copy."""

    serializer_class = PepSerializer
    pagination_class = None

    def get_queryset(self):
        return (
            self.child()
            .peps.select_related("term", "signed_off_copy")
            .order_by("term__start_date", "version")
        )


class SignedOffCopy(ApiView):
    """The PDF of a signed-off PEP, exactly as stored at sign-off."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            409: OpenApiResponse(description="The copy is still being made: try again later"),
        }
    )
    def get(self, request, pep_id):
        try:
            pep = signed_off_pep_get_for_user(user=request.user, pep_id=pep_id)
        except (Http404, PermissionDenied) as error:  # either way, not this token's to read
            raise Http404("No such PEP") from error
        if pep.child.virtual_school_id != request.user.virtual_school_id:
            raise Http404("No such PEP")
        self.audit_child = pep.child
        copy = getattr(pep, "signed_off_copy", None)
        if copy is None or not copy.is_ready:
            return Response({"detail": "The copy is still being made"}, status=409)
        pdf = signed_off_copy_download(copy=copy, actor=request.user)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="pep-{pep.pk}.pdf"'
        return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, like the API's own (not the site's page)."""
    return JsonResponse({"detail": "Not found."}, status=404)
