"""USB headset call buttons and lights (HID Telephony and LED pages), without Qt, pjsua2 or hidapi:
the report descriptor's layout (:mod:`.descriptor`), presses read from input reports (:mod:`.buttons`)
and the lights a call's state asks for, as output reports (:mod:`.lights`). See docs/telephony.md."""
