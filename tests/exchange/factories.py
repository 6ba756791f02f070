import factory

from accounts.models import Role
from exchange.models import ImportFile, ImportRun
from tests.accounts.factories import UserFactory, VirtualSchoolFactory


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRun

    virtual_school = factory.SubFactory(VirtualSchoolFactory)
    format = ImportRun.Format.SSDA903
    created_by = factory.SubFactory(
        UserFactory,
        role=Role.VIRTUAL_SCHOOL_OFFICER,
        virtual_school=factory.SelfAttribute("..virtual_school"),
    )
    file_names = ["header.csv", "episodes.csv"]


class ImportFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportFile

    run = factory.SubFactory(ImportRunFactory)
    kind = "header"
    name = "header.csv"
    content = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
