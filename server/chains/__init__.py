"""Communication chains (issue 19, docs/chains.md): rules that send a client e-mail and SMS and make
callback tasks after a call.

* :mod:`server.chains.definition`: the document as typed data; :mod:`server.chains.lint`: its linter.
* :mod:`server.chains.store`: versions and runs (the admin API ``/chains`` and ``ringdesk-server chain``).
* :mod:`server.chains.trigger`: runs started in the transaction of a disposition or a task result.
* :mod:`server.chains.compose`: templates, consents, the preferred channel, the client's local hours.
* :mod:`server.chains.steps` and :mod:`server.chains.batch`: claiming and working due steps, exactly once;
  :mod:`server.chains.sending`: a sending step and its outcome; :mod:`server.chains.progress`: what
  follows a step (the next steps, the run ended or failed); :mod:`server.chains.in_doubt`: an SMS whose
  send was cut off.
* :mod:`server.chains.worker`: the worker every server process runs; :mod:`server.chains.clock`.
* :mod:`server.chains.history`: the messages in the card's history.
"""
