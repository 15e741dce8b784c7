from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Site search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The index follows every save and delete of a searched record (after the commit), and
        # is filled after ``migrate`` where it has never been built (search/index.py).
        from django.db.models.signals import post_migrate

        from search import index

        index.connect_signals()
        post_migrate.connect(index.fill_after_migrate, sender=self,
                             dispatch_uid="search-fill-after-migrate")
