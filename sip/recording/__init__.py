"""Call recording inside the telephony service: taps on the conference bridge, a stereo Opus writer.

Left channel: the caller (the call's audio as the operator hears it); right channel: the operator (the
headset microphone as the call receives it, silence while muted). See docs/quality.md.
"""
