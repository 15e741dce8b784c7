"""Demo data, explicitly asked for: one account per role and a small world of its own — a demo
project, demo events, demo organisations, a few hundred clearly synthetic participants, a demo
donor with two contributions, a demo seizure, the demo project's results framework and the
demo event's files (an agenda, a photo marked public with consent, a private attendance sheet) —
all marked ``is_demo`` (the framework through its demo project) and attached to nothing of the
real record. Demo records are seen only by demo accounts and counted in no total
(``visible_to``, ``activities.aggregates``). Debug only; running it twice changes nothing.
``manage.py remove_demo`` takes it all away again."""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from activities import summaries
from activities.models import (
    Country,
    Event,
    Organisation,
    Participant,
    Participation,
    Project,
    Seizure,
    Substance,
)
from attachments import services as attachment_services
from attachments import storage as attachment_storage
from attachments.models import Attachment
from donors.models import Contribution, Donor, DonorAccount
from search import index as search_index
from unodc_portal.core.pagecache import invalidate
from unodc_portal.core.roles import DEMO_GROUP, DONORS_GROUP, OFFICERS_GROUP
from unodc_portal.site import demo

REASON = "Demo data (seed_demo)"
DEMO_PARTICIPANTS = 300
PROJECT_CODE = "DEMO-PROJECT"
DONOR_SLUG = "demo-donor"
# (slug, name, acronym, kind, country)
ORGANISATIONS = [
    ("demo-drug-control-agency", "Demo — Drug Control Agency", "DEMO-DCA", "government", "KG"),
    ("demo-border-service", "Demo — Border Service", "DEMO-BS", "government", "KZ"),
    ("demo-customs-academy", "Demo — Customs Academy", "DEMO-CA", "training", "TJ"),
    ("demo-city-police", "Demo — City Police", "DEMO-CP", "police", "UZ"),
]
# (slug, title, kind, city, country, start date, days, reported count)
EVENTS = [
    ("demo-training-risk-profiling", "Demo — Training course on risk profiling",
     "training_course", "Bishkek", "KG", datetime.date(2011, 3, 14), 5, 40),
    ("demo-workshop-precursors", "Demo — Workshop on precursor control", "workshop",
     "Almaty", "KZ", datetime.date(2011, 4, 4), 3, None),
    ("demo-course-canine", "Demo — Dog-handler course", "dog_handler_course", "Dushanbe", "TJ",
     datetime.date(2011, 5, 16), 10, 12),
    ("demo-meeting-coordination", "Demo — Coordination meeting", "meeting", "Tashkent", "UZ",
     datetime.date(2011, 6, 1), 1, None),
]
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
        "Create demo accounts (officer, donor, admin) with passwords generated into "
        ".demo-accounts, and demo records of their own (a project, events, organisations, "
        "participants, a donor with contributions, a seizure, the project's results "
        "framework, the first event's files), marked is_demo and seen by demo "
        "accounts only. Refuses to run with debug off. Idempotent; remove_demo undoes it."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates demo accounts, one of them an administrator: it runs only "
                "with DJANGO_DEBUG=1, never in production."
            )
        self.stored = []  # files written: deleted again if the transaction rolls back
        try:
            with transaction.atomic():
                self.countries = {c.code.code: c for c in Country.objects.all()}
                organisations = self.organisations()
                project = self.project(organisations)
                events = self.events(project, organisations)
                self.participants(events, organisations)
                donor = self.donor(project)
                substance = self.seizure(project, organisations[0])
                path, lines = self.accounts(donor)
                self.framework(project, substance)
                self.files(events[0])
        except BaseException:
            attachment_storage.delete(*self.stored)
            raise
        search_index.rebuild()
        invalidate()  # cached pages show the records written (in bulk: no signals)
        self.stdout.write(f"\nDemo accounts (debug only), passwords in {path}:")
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("Remove them and every demo record with `manage.py remove_demo`.")

    # ----------------------------------------------------------------------------------------
    # Records
    # ----------------------------------------------------------------------------------------
    def organisations(self):
        found = []
        for slug, name, acronym, kind, country in ORGANISATIONS:
            organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={
                "name": name, "acronym": acronym, "kind": kind,
                "country": self.countries.get(country), "is_demo": True,
                "description": "Synthetic demo record (seed_demo).",
            })
            found.append(organisation)
        return found

    def project(self, organisations):
        project = Project.objects.filter(code=PROJECT_CODE).first()
        if project is None:
            project = Project(
                code=PROJECT_CODE, title="Demo — Regional training programme",
                kind=Project.Kind.PROJECT, status=Project.Status.ONGOING, region="Central Asia",
                start_date=datetime.date(2011, 1, 1), budget_amount=Decimal("500000.00"),
                budget_currency="USD", is_demo=True,
                description="Synthetic demo record (seed_demo): not part of the real record.",
            )
            project._change_reason = REASON
            project.save()
            project.implementers.set(organisations[:1])
            project.beneficiaries.set(organisations[1:])
            project.countries.set(
                [c for c in (self.countries.get(o[4]) for o in ORGANISATIONS) if c]
            )
        return project

    def events(self, project, organisations):
        events = []
        for index, (slug, title, kind, city, country, start, days, reported) in enumerate(EVENTS):
            event = Event.objects.filter(slug=slug).first()
            if event is None:
                event = Event(
                    slug=slug, title=title, kind=kind, city=city,
                    country=self.countries.get(country),
                    organiser=organisations[index % len(organisations)],
                    start_date=start, end_date=start + datetime.timedelta(days=days - 1),
                    reported_participants=reported,
                    reported_participants_wording=str(reported) if reported else "",
                    description="Synthetic demo record (seed_demo).", is_demo=True,
                )
                event._change_reason = REASON
                event.save()
                event.projects.set([project])
            events.append(event)
        return events

    def participants(self, events, organisations):
        if Participant.objects.filter(is_demo=True).exists():
            self.stdout.write("Demo participants already exist: none added.")
            return
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
                country=organisation.country, position=rng.choice(POSITIONS),
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
        with summaries.writing():  # demo events count in no figure; their refresh says so
            created = bulk_create_with_history(people, Participant, default_change_reason=REASON)
            participations = []
            for person in created:
                for event in rng.sample(events, k=min(len(events), rng.randint(1, 3))):
                    participations.append(Participation(
                        participant=person, event=event, is_demo=True,
                        status=rng.choice(["attended"] * 8 + ["registered", "absent"]),
                    ))
            bulk_create_with_history(participations, Participation, default_change_reason=REASON)
            summaries.mark(event.pk for event in events)
        self.stdout.write(f"Created {len(created)} demo participants in "
                          f"{len(participations)} participations at {len(events)} demo events.")

    def donor(self, project):
        donor, _ = Donor.objects.get_or_create(slug=DONOR_SLUG, defaults={
            "name": "Demo — Donor", "kind": Donor.Kind.GOVERNMENT, "is_demo": True,
            "description": "Synthetic demo record (seed_demo).",
        })
        for key, published, amount, status in [
            ("demo-contribution-published", True, "50000.00", Contribution.Status.RECEIVED),
            ("demo-contribution-unpublished", False, "25000.00", Contribution.Status.PLEDGED),
        ]:
            if not Contribution.objects.filter(key=key).exists():
                contribution = Contribution(
                    key=key, donor=donor, project=project, kind=Contribution.Kind.CASH,
                    amount=Decimal(amount), currency="USD", status=status, year=2011,
                    is_published=published, is_demo=True,
                    notes="Synthetic demo record (seed_demo)"
                    + ("" if published else ": unpublished, seen by the demo donor and admins."),
                )
                contribution._change_reason = REASON
                contribution.save()
        return donor

    def seizure(self, project, organisation):
        """The demo seizure; returns its substance (None when there is no substance)."""
        substance = Substance.objects.order_by("pk").first()
        if substance is None or Seizure.objects.filter(key="demo-seizure").exists():
            return substance
        seizure = Seizure(
            key="demo-seizure", substance=substance, quantity=Decimal("12.5"), unit="kg",
            date=datetime.date(2011, 3, 20), country=organisation.country,
            seizing_agency=organisation, project=project, is_demo=True,
            notes="Synthetic demo record (seed_demo).",
        )
        seizure._change_reason = REASON
        seizure.save()
        return substance

    def framework(self, project, substance):
        """The demo project's results framework (``demo.framework_write``): its manual actuals
        entered by the demo officer, one approved by the demo admin."""
        users = get_user_model().objects.in_bulk(["demo-officer", "demo-admin"],
                                                 field_name="username")
        written = demo.framework_write(project, substance, users["demo-officer"],
                                       users["demo-admin"], REASON)
        if written:
            self.stdout.write(f"Created {written} demo results, indicators and periods.")

    def files(self, event):
        """The demo event's agenda, photo and attendance sheet (``demo.demo_files``), added by
        the demo officer through the portal's own upload path."""
        if Attachment.objects.filter(event=event).exists():
            return
        officer = get_user_model().objects.get(username="demo-officer")
        files = demo.demo_files(event)
        for upload, values in files:
            attachment = attachment_services.add(event, upload, user=officer, **values)
            self.stored += [key for key in (attachment.file_key, attachment.thumbnail_key,
                                            attachment.public_key,
                                            attachment.public_thumbnail_key) if key]
        self.stdout.write(f"Added {len(files)} demo files to {event}.")

    # ----------------------------------------------------------------------------------------
    # Accounts
    # ----------------------------------------------------------------------------------------
    def accounts(self, donor):
        User = get_user_model()
        demo_group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
        passwords = demo.read_passwords()
        lines = []
        for username, role in demo.DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first()
            created = user is None
            if created:
                user = User(username=username, email=f"{username}@example.invalid")
            if created or username not in passwords:
                # A new account, or one whose password is no longer in the file.
                passwords[username] = passwords.get(username) or demo.new_password()
                user.set_password(passwords[username])
            if role == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
            user.groups.add(demo_group)
            if role == "officer":
                user.groups.add(Group.objects.get(name=OFFICERS_GROUP))
            if role == "donor":
                user.groups.add(Group.objects.get(name=DONORS_GROUP))
                DonorAccount.objects.update_or_create(user=user, defaults={"donor": donor})
            label = f"{role:8} {username}" + ("" if created else " (already there)")
            if role == "donor":
                label += f" — acts for {donor.name}"
            lines.append(label)
        path = demo.write_passwords(passwords)
        return path, lines
