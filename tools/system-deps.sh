#!/usr/bin/env bash
# Install the Debian/Ubuntu packages one make target needs, and nothing more:
#   tools/system-deps.sh demo        Python and the libraries Qt loads (make demo)
#   tools/system-deps.sh installer   demo + the packaging and signing tools (make installer)
#   tools/system-deps.sh test        everything the test suite drives (make test, make bench): real SIP
#                                    peers, PostgreSQL, a display, a Debian root to install into...
#   tools/system-deps.sh --list GROUP   print the group's packages, one a line
# As root it installs what is missing with apt; otherwise it names what is missing and how to get it.
set -euo pipefail

# make demo: the interpreter and what Qt's xcb/wayland platform plugins load from the system
# (the same libraries the ringdesk package Depends on, see installer/deb.py)
demo=(
  python3 python3-venv
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libxcb1 libdrm2
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0
  libwayland-client0 libwayland-cursor0 libwayland-egl1
)
# make installer: PyInstaller runs on demo's Python and Qt; then packaging, indexing and signing
installer=(
  "${demo[@]}"
  libportaudio2 binutils gnupg gpgv debsigs apt-utils openssl msitools wixl osslsigncode
  # Authenticode keys on a PKCS#11 token: OpenSSL's pkcs11 engine
  libengine-pkcs11-openssl
)
# make test: installer + real SIP peers (sipp, Kamailio), PulseAudio as a "headset" without sound
# hardware, PostgreSQL, Xvfb for screenshots, and a Debian root with debsig-verify to install into
test=(
  "${installer[@]}"
  sip-tester kamailio kamailio-tls-modules kamailio-utils-modules
  pulseaudio pulseaudio-utils libasound2-plugins
  xvfb sox postgresql
  # the journey tests (tests/journey): real keystrokes and clicks through XTEST, screenshots of the display
  # (Openbox: a small window manager, so windows are activated and focused as on a desktop)
  xdotool imagemagick openbox x11-utils
  # the installer tests: debsig-verify, a Debian root, the .desktop validator, SoftHSM2 as a token
  debsig-verify fakeroot debootstrap desktop-file-utils softhsm2
  # the OS keyring as on an operator's Linux PC: GNOME Keyring on a private D-Bus (tests/support/secret_service.py)
  gnome-keyring dbus
  # communication chains' SMS gateway: Kannel (bearerbox, smsbox) and its fake SMSC from kannel-extras
  # (tests/support/kannel.py)
  kannel kannel-extras
)

usage() { echo "usage: $0 [--list] demo|installer|test" >&2; exit 2; }
list=0
if [ "${1:-}" = "--list" ]; then list=1; shift; fi
group="${1:-test}"
case "$group" in
  demo) packages=("${demo[@]}") ;;
  installer) packages=("${installer[@]}") ;;
  test|all) packages=("${test[@]}") ;;
  *) usage ;;
esac
if [ "$list" -eq 1 ]; then printf '%s\n' "${packages[@]}" | sort -u; exit 0; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages for '$group': ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts Kamailio and PostgreSQL as services on install; the tests run their own instances.
  if [ "$group" = test ] || [ "$group" = all ]; then
    systemctl disable --now kamailio postgresql >/dev/null 2>&1 || true
  fi
else
  echo "ringdesk ('$group') needs these system packages, which are not installed:" >&2
  echo "  ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
