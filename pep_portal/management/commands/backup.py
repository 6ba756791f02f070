from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pep_portal.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the private documents, with their hashes, into a folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Where to make the backup's folder")

    def handle(self, *args, folder, **options):
        try:
            target = backup_create(into=Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(target))
