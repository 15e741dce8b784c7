"""Roles, decided in one place.

- public visitor: anonymous
- programme officer: member of the ``Programme officers`` group (created by the data migration
  ``activities/migrations/0002_roles.py``, kept in step with ``GROUP_PERMISSIONS`` below by
  ``manage.py sync_roles``)
- donor: member of ``Donors``, linked to one ``donors.Donor`` by a ``DonorAccount``
- admin: staff or superuser

Demo accounts (``seed_demo``, debug only) are members of ``Demo accounts`` as well as of their
role's group: they alone see demo records (``is_demo``), and ``remove_demo`` deletes them.
"""

OFFICERS_GROUP = "Programme officers"
DONORS_GROUP = "Donors"
# Accounts made by seed_demo; created by get_or_create (no migration), deleted by remove_demo.
DEMO_GROUP = "Demo accounts"

# The model permissions each group holds: exactly what its pages need.
OFFICER_PERMISSIONS = {
    "activities": {
        "event": ["add", "change", "view"],
        "eventtrainerorganisation": ["add", "change", "delete", "view"],
        "participant": ["add", "change", "delete", "view"],  # delete: merging duplicates
        "participation": ["add", "change", "delete", "view"],
        "seizure": ["add", "change", "view"],
        "organisation": ["add", "change", "view"],
        "person": ["add", "change", "view"],
        "project": ["view"],
        "substance": ["view"],
    },
    "donors": {
        "donor": ["view"],
        "contribution": ["view"],
    },
    # Results frameworks are edited by admins; officers read them and enter the actuals of
    # entered indicators, which stay pending until an admin approves them.
    "attachments": {
        "attachment": ["add", "change", "delete", "view"],
    },
    "results": {
        "result": ["view"],
        "indicator": ["view"],
        "period": ["change", "view"],
    },
}
DONOR_PERMISSIONS = {
    "donors": {
        "donor": ["view"],
        "contribution": ["view"],
    },
}

GROUP_PERMISSIONS = {OFFICERS_GROUP: OFFICER_PERMISSIONS, DONORS_GROUP: DONOR_PERMISSIONS}


def _wanted(apps, spec) -> set:
    Permission = apps.get_model("auth", "Permission")
    return {
        Permission.objects.get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for app_label, models in spec.items()
        for model, actions in models.items()
        for action in actions
    }


def sync_roles(apps, *, reset: bool = False) -> dict[str, dict[str, list[str]]]:
    """Give each role's group the permissions ``GROUP_PERMISSIONS`` names (creating the group
    where missing). Permissions an admin added by hand stay unless ``reset``; they are reported
    as ``extra``. ``apps`` is a migration's app registry or ``django.apps.apps``; the
    permissions must exist already (Django creates them after ``migrate``)."""
    Group = apps.get_model("auth", "Group")
    report = {}
    for group_name, spec in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = _wanted(apps, spec)
        held = set(group.permissions.all())
        extra = held - wanted
        group.permissions.add(*(wanted - held))
        if reset:
            group.permissions.remove(*extra)
        report[group_name] = {
            "added": sorted(f"{p.content_type.app_label}.{p.codename}" for p in wanted - held),
            "extra": sorted(f"{p.content_type.app_label}.{p.codename}" for p in extra),
        }
    return report


def ensure_groups(apps) -> None:
    """Both groups with exactly their permissions (tests and throw-away databases)."""
    sync_roles(apps, reset=True)


def can_see_personal_data(user) -> bool:
    """Participants' names, e-mails and phones: officers and admins only."""
    return bool(user and user.is_authenticated and user.has_perm("activities.view_participant"))


def is_officer(user) -> bool:
    return bool(
        user and user.is_authenticated and user.groups.filter(name=OFFICERS_GROUP).exists()
    )


def is_demo_user(user) -> bool:
    """Signed in with a demo account (member of ``Demo accounts``). Read once per request: the
    answer is kept on the user object."""
    if not user or not user.is_authenticated:
        return False
    cached = getattr(user, "_portal_is_demo_user", None)
    if cached is None:
        cached = user._portal_is_demo_user = user.groups.filter(name=DEMO_GROUP).exists()
    return cached


def mark_if_demo(record, user):
    """A record that a demo account creates is demo data: hidden from everyone else, counted in
    no figure, removed by remove_demo. Records without the flag are left as they are."""
    if record.pk is None and hasattr(record, "is_demo") and is_demo_user(user):
        record.is_demo = True
    return record
