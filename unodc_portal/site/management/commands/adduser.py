import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from donors.models import Donor, DonorAccount
from unodc_portal.core.roles import DONORS_GROUP, OFFICERS_GROUP

PASSWORD_VARIABLE = "PORTAL_USER_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a user with a role: officer (group Programme officers), donor (group Donors, "
        "linked to one donor by --donor SLUG) or admin (staff and superuser). The password is "
        f"read from {PASSWORD_VARIABLE} when it is set (for scripts), otherwise asked twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=["officer", "donor", "admin"])
        parser.add_argument("--donor", help="Slug of the donor a donor account acts for.")
        parser.add_argument("--email", default="", help="For password-reset e-mail.")

    def handle(self, *args, username, role, donor, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists.")
        donor_record = None
        if role == "donor":
            if not donor:
                raise CommandError("A donor account needs --donor SLUG (the donor it acts for).")
            donor_record = Donor.objects.filter(slug=donor).first()
            if donor_record is None:
                known = ", ".join(Donor.objects.values_list("slug", flat=True)[:20]) or "none"
                raise CommandError(f"No donor with slug {donor!r}. Known donors: {known}.")
        elif donor:
            raise CommandError("--donor is only for --role donor.")

        password = self.password(username, email)
        with transaction.atomic():
            user = User(username=username, email=email)
            user.set_password(password)
            if role == "admin":
                user.is_staff = user.is_superuser = True
            user.full_clean()
            user.save()
            if role == "officer":
                user.groups.add(self.group(OFFICERS_GROUP))
            elif role == "donor":
                user.groups.add(self.group(DONORS_GROUP))
                DonorAccount.objects.create(user=user, donor=donor_record)
        suffix = f" for {donor_record}" if donor_record else ""
        self.stdout.write(self.style.SUCCESS(f"Created {role} {username!r}{suffix}."))

    def group(self, name):
        try:
            return Group.objects.get(name=name)
        except Group.DoesNotExist:
            raise CommandError(f"The group {name!r} is missing: run migrate first.") from None

    def password(self, username, email):
        User = get_user_model()
        candidate = User(username=username, email=email)
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        return password
