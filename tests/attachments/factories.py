import hashlib
import uuid
from datetime import date

import factory
from django.core.files.base import ContentFile

from attachments.models import Attachment
from peps.documents.storage import private_storage
from tests.accounts.factories import UserFactory
from tests.children.factories import ChildFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A stored document (as if uploaded and scanned clean); pass `data` for its bytes."""

    class Meta:
        model = Attachment

    child = factory.SubFactory(ChildFactory)
    pep = None
    kind = Attachment.Kind.SCHOOL_REPORT
    document_date = date(2026, 11, 20)
    original_name = "report.pdf"
    file_type = "PDF"
    content_type = "application/pdf"
    extension = "pdf"
    scan_result = "No virus found by ClamAV"
    uploaded_by = factory.SubFactory(UserFactory)
    data = PDF_BYTES  # not a field: the bytes stored

    @classmethod
    def _create(cls, model_class, *args, data=PDF_BYTES, **kwargs):
        name = private_storage().save(f"attachments/{uuid.uuid4().hex}", ContentFile(data))
        kwargs.update(file_name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        return super()._create(model_class, *args, **kwargs)


class SharedAttachmentFactory(AttachmentFactory):
    shared_with_carers = True
