"""Roles, decided in one place.

- public visitor: anonymous
- programme officer: member of the ``Programme officers`` group (permissions from the data
  migration ``activities/migrations/0002_roles.py``)
- donor: member of ``Donors``, linked to one ``donors.Donor`` by a ``DonorAccount``
- admin: staff or superuser
"""

OFFICERS_GROUP = "Programme officers"
DONORS_GROUP = "Donors"

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
}
DONOR_PERMISSIONS = {
    "donors": {
        "donor": ["view"],
        "contribution": ["view"],
    },
}


def can_see_personal_data(user) -> bool:
    """Participants' names, e-mails and phones: officers and admins only."""
    return bool(user and user.is_authenticated and user.has_perm("activities.view_participant"))


def is_officer(user) -> bool:
    return bool(
        user and user.is_authenticated and user.groups.filter(name=OFFICERS_GROUP).exists()
    )
