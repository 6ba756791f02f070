"""Print every kind of email with its subject and body in GOV.UK Notify's syntax, to make
one Notify template for each, and the NOTIFY_TEMPLATE_IDS line to fill in."""

from django.core.management.base import BaseCommand

from pep_portal.emails import KINDS


class Command(BaseCommand):
    help = "List every email the product sends, as Notify templates."

    def handle(self, *args, **options):
        for kind in KINDS.values():
            self.stdout.write(f"=== {kind.key}\nWho: {kind.who}\nFields: {', '.join(kind.fields)}")
            if kind.attachment:
                self.stdout.write(f"By SMTP also attaches: {kind.attachment}")
            self.stdout.write(f"Subject: {kind.subject}\n\n{kind.body}\n")
        self.stdout.write(
            "NOTIFY_TEMPLATE_IDS=" + ",".join(f"{key}=<template id>" for key in KINDS)
        )
