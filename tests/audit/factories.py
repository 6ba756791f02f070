import factory

from audit.models import AuditEvent


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    action = "child.viewed"
    changes = factory.LazyFunction(dict)
