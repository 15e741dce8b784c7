"""Demo data, explicitly asked for: one account per role and a few hundred clearly synthetic
participants attending the bulletin's events. Debug only; running it twice changes nothing."""

import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from activities.models import Country, Event, Organisation, Participant, Participation
from donors.models import Contribution, Donor, DonorAccount
from unodc_portal.roles import DONORS_GROUP, OFFICERS_GROUP

# Bulletin donors, in order of preference, for the demo donor account.
DEMO_DONOR_SLUGS = ["canada", "united-kingdom", "united-states", "european-union",
                    "russian-federation", "kazakhstan", "tika"]
ACCOUNTS = [
    # username, role, password (debug-only demo accounts)
    ("demo-officer", "officer", "demo-officer-password"),
    ("demo-donor", "donor", "demo-donor-password"),
    ("demo-admin", "admin", "demo-admin-password"),
]
DEMO_PARTICIPANTS = 300
FIRST = {
    "male": ["Alisher", "Bakhtiyor", "Dilshod", "Farrukh", "Jamshid", "Rustam", "Timur",
             "Azamat", "Nurlan", "Daniyar", "Bekzod", "Sardor", "Ilyos", "Umid", "Marat"],
    "female": ["Dilnoza", "Gulnara", "Madina", "Nodira", "Zarina", "Aigerim", "Malika",
               "Saida", "Feruza", "Kamila", "Aliya", "Dinara", "Shahnoza", "Lola", "Asel"],
}
LAST = ["Usmonov", "Yusupov", "Akhmedov", "Karimov", "Rahimov", "Tashkentov", "Nazarov",
        "Sultanov", "Abdullaev", "Ismoilov", "Bekov", "Kadyrov", "Mamatov", "Saidov", "Aliev"]
POSITIONS = ["Inspector", "Senior inspector", "Customs officer", "Border guard officer",
             "Investigator", "Analyst", "Head of unit", "Forensic expert", "Prosecutor"]


class Command(BaseCommand):
    help = (
        "Create demo accounts (officer, donor, admin) and a few hundred synthetic participants "
        "(marked is_demo) attending the loaded events. Refuses to run with debug off. "
        "Idempotent."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with published passwords: it runs only with "
                "DJANGO_DEBUG=1, never in production."
            )
        with transaction.atomic():
            donor = self.demo_donor()
            lines = [self.account(username, role, password, donor)
                     for username, role, password in ACCOUNTS]
            self.participants()
            if donor:
                self.unpublished_contribution(donor)
        self.stdout.write("\nDemo accounts (debug only):")
        for line in lines:
            self.stdout.write(f"  {line}")

    def demo_donor(self):
        donors = Donor.objects.in_bulk(DEMO_DONOR_SLUGS, field_name="slug")
        for slug in DEMO_DONOR_SLUGS:
            if slug in donors:
                return donors[slug]
        self.stdout.write(self.style.WARNING(
            "No bulletin donor is loaded (looked for: " + ", ".join(DEMO_DONOR_SLUGS) + "), so "
            "the demo donor account is not created. Run `manage.py load_fixtures`, then "
            "seed_demo again."
        ))
        return None

    def account(self, username, role, password, donor):
        User = get_user_model()
        if role == "donor" and donor is None:
            return f"{username}: not created (no donor loaded)"
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if created:
            user.set_password(password)
        if role == "admin":
            user.is_staff = user.is_superuser = True
        user.save()
        if role == "officer":
            user.groups.add(Group.objects.get(name=OFFICERS_GROUP))
        if role == "donor":
            user.groups.add(Group.objects.get(name=DONORS_GROUP))
            DonorAccount.objects.update_or_create(user=user, defaults={"donor": donor})
        label = f"{role:8} {username} / {password}"
        if not created:
            label += " (already there; password unchanged)"
        if role == "donor":
            label += f" — acts for {donor.name}"
        return label

    def participants(self):
        if Participant.objects.filter(is_demo=True).exists():
            self.stdout.write("Demo participants already exist: none added.")
            return
        events = list(Event.objects.order_by("pk"))
        agencies = Organisation.objects.filter(
            kind__in=["government", "police", "training"]).order_by("pk")
        # Participants come from the region's agencies where the bulletin names them.
        organisations = list(agencies.filter(
            country__code__in=["KG", "KZ", "TJ", "TM", "UZ", "AF"])[:20]) or list(agencies[:20])
        if not events or not organisations:
            self.stdout.write(self.style.WARNING(
                "No events or organisations are loaded, so no demo participants are created. "
                "Run `manage.py load_fixtures`, then seed_demo again."
            ))
            return
        countries = {c.code.code: c for c in Country.objects.all()}
        rng = random.Random(2011)
        # Every combination of first and last name once, so that the only likely duplicates
        # are the spelling variants added below on purpose.
        names = [(f"{first} {last}{'a' if sex == 'female' else ''}", sex)
                 for sex, firsts in FIRST.items() for first in firsts for last in LAST]
        featured = [("Alisher Usmonov", "male"), ("Madina Yusupova", "female")]
        names = [n for n in names if n not in featured]
        rng.shuffle(names)
        names = featured + names
        people = []
        for number, (name, sex) in enumerate(names[:DEMO_PARTICIPANTS], start=1):
            organisation = rng.choice(organisations)
            people.append(Participant(
                name=name, sex=sex, organisation=organisation,
                country=countries.get(organisation.country.code.code)
                if organisation.country_id else None,
                position=rng.choice(POSITIONS),
                email=f"demo-participant-{number:03d}@example.invalid",
                phone=f"+000 {number:06d}", is_demo=True,
            ))
        # A few spelling variants, so that the duplicate review has something to show.
        for variant, of in [("Усмонов Алишер", 0), ("USMANOV alisher", 0), ("Юсупова Мадина", 1)]:
            base = people[of]
            people.append(Participant(
                name=variant, sex=base.sex, organisation=base.organisation,
                country=base.country, position=base.position, is_demo=True,
            ))
        for person in people:
            person.fill_derived_fields()
        created = bulk_create_with_history(
            people, Participant, default_change_reason="Demo data (seed_demo)"
        )
        participations = []
        for person in created:
            for event in rng.sample(events, k=min(len(events), rng.randint(1, 3))):
                participations.append(Participation(
                    participant=person, event=event,
                    status=rng.choice(["attended"] * 8 + ["registered", "absent"]),
                ))
        bulk_create_with_history(
            participations, Participation, default_change_reason="Demo data (seed_demo)"
        )
        self.stdout.write(f"Created {len(created)} demo participants in "
                          f"{len(participations)} participations.")

    def unpublished_contribution(self, donor):
        project = (donor.contributions.values_list("project", flat=True).first())
        if project is None:
            from activities.models import Project

            project = Project.objects.order_by("pk").values_list("pk", flat=True).first()
        if project is None:
            self.stdout.write(self.style.WARNING(
                "No project is loaded, so the demo donor's unpublished contribution is not "
                "created."
            ))
            return
        _, created = Contribution.objects.get_or_create(
            key="demo-unpublished-contribution",
            defaults={
                "donor": donor, "project_id": project, "kind": Contribution.Kind.CASH,
                "amount": Decimal("25000.00"), "currency": "USD",
                "status": Contribution.Status.PLEDGED, "year": 2011, "is_published": False,
                "notes": "Synthetic demo record (seed_demo): an unpublished figure that only "
                         "this donor and admins see.",
            },
        )
        if created:
            self.stdout.write(f"Created an unpublished demo contribution for {donor.name}.")
