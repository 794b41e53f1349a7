"""KPIs derived on the server from raw events (status history, dispositions): see ``docs/kpi.md``.

``compute`` is pure (events in, figures out, hand-checkable), ``events`` reads the events a report
needs from the database, ``report`` puts operators, teams and totals together, ``export`` writes CSV.
"""
