#!/usr/bin/env bash
# Install the Debian/Ubuntu packages ringdesk's tests and demo run against: real SIP peers (sipp, Kamailio),
# PulseAudio as a "headset" without sound hardware, PortAudio for the audio bridge, Xvfb for screenshots,
# and the packaging and signing tools the installer build and its tests drive.
# As root it installs what is missing with apt; otherwise it names what is missing and how to get it.
set -euo pipefail

packages=(
  sip-tester kamailio kamailio-tls-modules kamailio-utils-modules
  pulseaudio pulseaudio-utils libportaudio2 libasound2-plugins
  xvfb openssl sox postgresql
  # the journey tests (tests/journey): real keystrokes and clicks through XTEST, screenshots of the display
  # (Openbox: a small window manager, so windows are activated and focused as on a desktop)
  xdotool imagemagick openbox x11-utils
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0
  # installers (make installer, tests/installer): packaging, signing, and a Debian root to install into
  fakeroot debsigs debsig-verify reprepro gnupg gpgv binutils msitools wixl osslsigncode
  debootstrap desktop-file-utils
  # Authenticode keys on a PKCS#11 token: OpenSSL's pkcs11 engine, and SoftHSM2 as the token in tests
  libengine-pkcs11-openssl softhsm2
  # the OS keyring as on an operator's Linux PC: GNOME Keyring on a private D-Bus (tests/support/secret_service.py)
  gnome-keyring dbus
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts Kamailio as a service on install; the tests run their own instances.
  systemctl disable --now kamailio postgresql >/dev/null 2>&1 || true
else
  echo "ringdesk needs these system packages, which are not installed:" >&2
  echo "  ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
