"""Operator status -> PBX queue: adapters that follow every status change (``adapter``), the ones
the settings ask for (``registry``), Asterisk over AMI (``ami``, ``asterisk``) and FreeSWITCH
``mod_callcenter`` over the event socket (``esl``, ``freeswitch``)."""
