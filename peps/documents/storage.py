"""Where signed-off PEPs are kept: the `private` storage in settings.STORAGES."""

from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder no web server serves, readable by this service's user alone. It has no URLs:
    every file leaves through a view that checks access and writes the audit trail."""

    def __init__(self, **options):
        options.setdefault("file_permissions_mode", 0o600)
        options.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**options)

    def url(self, name):
        raise ValueError("Private files have no URL: serve them through a view")


def private_storage() -> Storage:
    return storages["private"]
