"""Write every search document again from the records, and remove those of records gone.

The index is kept in step on every save and delete (search/index.py); this repairs drift left
by writes that send no signal (raw SQL, ``QuerySet.update``), and builds the index of a
database restored or loaded in bulk.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from search import index


class Command(BaseCommand):
    help = "Rebuild the site search index from the records (never participants)."

    def handle(self, *args, verbosity, **options):
        counts = index.rebuild()
        if verbosity >= 1:
            made = ", ".join(f"{count:,} {kind}" for kind, count in counts.items())
            self.stdout.write(self.style.SUCCESS(
                _("Search index rebuilt: %(counts)s.") % {"counts": made}
            ))
