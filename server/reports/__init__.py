"""Historical reports (issue 20, ``docs/reports.md``).

``facts`` computes each call's contribution from the raw rows (pure), ``maintain`` keeps
``report_facts``/``report_rollup`` up to date in the writer's transaction (and rebuilds them),
``intervals`` maps 15-minute buckets onto the centre's hours, days, weeks and months, ``query``
answers a report from the rollups, ``export`` writes CSV and XLSX, ``views`` holds the PostgreSQL
views for BI tools.
"""
