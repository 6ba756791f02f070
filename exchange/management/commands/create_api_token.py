"""python manage.py create_api_token --virtual-school LA_CODE NAME: a token for the API."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import VirtualSchool
from exchange.api.tokens import api_token_create


class Command(BaseCommand):
    help = "Make an API token for a Virtual School's social-care system; it is shown only once."

    def add_arguments(self, parser):
        parser.add_argument("--virtual-school", required=True, help="Its DfE LA code, e.g. 929")
        parser.add_argument("name", help="The system that will use it, e.g. Mosaic")

    def handle(self, *args, virtual_school: str, name: str, **options):
        school = VirtualSchool.objects.filter(local_authority_code=virtual_school).first()
        if school is None:
            raise CommandError(f"No Virtual School has the LA code {virtual_school}")
        row, token = api_token_create(virtual_school=school, name=name)
        self.stdout.write(f"API token for {school} ({row.name}), shown only this once:\n{token}")
