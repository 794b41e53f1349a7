"""The CRM the centre already has (issue 19, docs/integrations.md).

* :mod:`server.crm.contract`: the adapter contract another CRM follows (a Protocol and its errors).
* :mod:`server.crm.bitrix24`: the Bitrix24 adapter over an inbound webhook.
* :mod:`server.crm.pacing`: requests spaced to the portal's rate (2 a second).
* :mod:`server.crm.connection`: the stored connection (``ringdesk-server crm bitrix24 set``).
* :mod:`server.crm.outbox`: the write paths' hooks, filling ``crm_jobs`` in their transaction.
* :mod:`server.crm.worker`: sends the jobs (register, finish, recording, contacts), retried.
* :mod:`server.crm.lookup`, :mod:`server.crm.screen_pop`: the screen pop asks the CRM in budget.
"""
