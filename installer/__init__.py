"""Build and sign ringdesk's installers: ``make installer`` (``python -m installer all``).

Everything here drives external tools (PyInstaller, dpkg-deb, debsigs, apt-ftparchive, wixl, osslsigncode)
with a fixed environment, so the same sources give the same unsigned artefacts on every machine. Signing
keys never live in the repository: they are named by environment variables or flags (see :mod:`.keys`).
"""
