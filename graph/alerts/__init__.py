"""Event recognition and alerts: rules as data compiled to parameterised Cypher,
scoring and RAG, the alert lifecycle, the watch list, full and incremental runs, and
evaluation against the seeds' scenario labels. See docs/alerts.md.

Public API (import from the submodules). The functions that run a whole operation take an
explicit ``driver=``; the ``read_*`` functions and ``upsert_watch_entry`` take a transaction,
so that a caller can do more in the same one (the API reads in a read transaction, then
writes its audit entry).

- ``aim.graph.alerts.engine``: ``run_all``, ``evaluate_subjects``, ``detect``
- ``aim.graph.alerts.lifecycle``: ``transition``, ``acknowledge``, ``dismiss``, ``refer``,
  ``add_to_watch_list``, ``get_alert``, ``list_alerts``, ``alert_history``; ``read_alert``,
  ``read_alerts``, ``read_history``
- ``aim.graph.alerts.cases``: one case per subject gathering its alerts: ``gather`` (called by
  the engine), ``gather_all``; ``read_cases``, ``read_case``, ``new_red_count``, ``claim_new_red``
- ``aim.graph.alerts.case_actions``: ``act`` (``CaseChange``), ``request_review``, ``requests_of``
- ``aim.graph.alerts.watchlist``: ``watch``, ``unwatch``, ``watch_list``; ``read_watch_list``,
  ``upsert_watch_entry``
- ``aim.graph.alerts.rules``: ``load_rules``, ``RuleSet``, ``Rule``
- ``aim.graph.alerts.evaluate``: ``evaluate``, ``backtest``, ``persons_from_truth``
"""
