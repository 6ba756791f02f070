from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pep_portal.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup (made by `backup`) into a fresh, empty database and the private "
        "storage, checking every file's hash first and every signed-off copy after."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup's folder (pep-portal-<time>)")

    def handle(self, *args, folder, **options):
        try:
            report = backup_restore(source=Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the database and {report['documents']} documents; "
            f"{report['copies_checked']} signed-off copies match their hashes."
        )
