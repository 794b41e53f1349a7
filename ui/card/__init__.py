"""The extended call card: the contact's fields edited in place, the 412 conflict dialog, the history,
and the new-contact form for an unknown caller."""
