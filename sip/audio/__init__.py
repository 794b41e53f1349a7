"""Headset audio for a pjsua2 build without sound devices: a bridge from pjsua2's conference to PortAudio.

``AudioBridge`` (in ``sip.audio.bridge``) is the only entry point the engine needs; the other modules are its
parts: ``ringbuffer`` (drop-oldest FIFO), ``tones`` (beep, ring, mixing), ``devices`` (choice by name,
PulseAudio routing), ``frames`` (fast MediaFrame access), ``port`` (the pjsua2 port), ``streams``
(PortAudio streams). Importing this package imports neither pjsua2 nor sounddevice.
"""
