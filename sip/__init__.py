"""The telephony service: a SIP softphone engine over pjsua2.

This is the only package that imports pjsua2. It runs in its own process (``ringdesk phone``) so that
nothing the desktop does can stall call audio, and a PJSIP abort cannot take the desktop down. Inside,
one engine thread owns every pjsua2 object; see :mod:`sip.engine`.
"""
