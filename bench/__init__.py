"""``make bench``: figures that decide whether the softphone is fit for an operator's PC.

Each module measures one thing against a real ``ringdesk phone`` process, run exactly as the desktop runs
it (its own process, JSON lines on stdout):

* :mod:`bench.sip_latency`: how fast an incoming INVITE becomes a call card, and how fast it is answered;
* :mod:`bench.idle_cpu`: what the phone costs while nothing happens (it runs all shift long);
* :mod:`bench.audio_jitter`: whether headset audio survives a busy desktop process.

Figures are reported, not asserted (``python -m bench`` exits 0 on a miss): a benchmark on a loaded CI
machine is a measurement, not a verdict. Results go to ``bench/results/latest.json`` (git-ignored).
"""
