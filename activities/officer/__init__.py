"""Programme officers' pages, one module per concern; each view only reads its request, asks
``activities.selectors`` for what to show and ``activities.services`` to write, and answers.

- ``base``: access (``OfficerMixin``), the stale-save answer, ``next`` links, paging of lists
  that are not a FilterView;
- ``workspace``: the workspace and quick-add of organisations and people;
- ``events``: the event page (event, participants, trainer organisations, saved as one);
- ``participants``: the register (the shared list mechanism), its export, search-as-you-type,
  a participant's page and its edit form;
- ``duplicates``: likely duplicates, "different people" and merging;
- ``importing``: the import template, upload and preview;
- ``seizures``: seizure entry;
- ``history``: the history pages of events, participants and seizures.

Every view checks permissions itself: anonymous visitors are sent to sign in, signed-in users
without the permission get 403. Records come from their model's ``visible_to(user)``: demo
records for demo accounts only (a 404 for everyone else); counts are of real records.
"""
