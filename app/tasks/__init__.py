"""The operator's tasks on the desktop (issue 16): taking the next task with a lease, previewing it,
dialling it through the workstation and reporting the outcome through the outbox (:mod:`.desk`), and
the lists, counts and reminders of the Tasks panel (:mod:`.board`). Qt-free."""
