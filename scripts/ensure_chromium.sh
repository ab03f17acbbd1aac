#!/usr/bin/env bash
# Make sure a Chromium exists for the browser tests (tests/browser_support.py finds it).
#
#   found                      -> print its path, exit 0
#   missing, root              -> apt-get update && apt-get install -y chromium
#   missing, passwordless sudo -> the same through sudo -n
#   missing, otherwise         -> print how to install it and exit 0: the browser tests are then
#                                 skipped with the same hint (or fail, when CI=true)
# A failed installation exits 1 under CI=true (the browser check must run there), else 0.
# Never uses `playwright install`: the tests drive the system Chromium.
set -u

find_chromium() {
    if [ -x /usr/bin/chromium ]; then
        echo /usr/bin/chromium
        return 0
    fi
    local name
    for name in chromium chromium-browser; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

in_ci() {
    case "${CI:-}" in
        true | TRUE | True | 1 | yes) return 0 ;;
        *) return 1 ;;
    esac
}

hint() {
    cat >&2 <<'MSG'
ensure_chromium: Chromium not found and not installed automatically.
  Install it with:  sudo apt-get install chromium   (Debian/Ubuntu; the package may be
                    called chromium-browser on older Ubuntu)
  or run `make test` as root, which installs it.
  Until then the browser tests are skipped (they fail when CI=true).
MSG
}

if path=$(find_chromium); then
    echo "ensure_chromium: using $path"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: no apt-get on this system; install Chromium with your package manager" >&2
    hint
    if in_ci; then exit 1; fi
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    hint
    exit 0
fi

echo "ensure_chromium: installing Chromium with apt-get (non-interactive)"
if ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update \
    && ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
    && path=$(find_chromium); then
    echo "ensure_chromium: installed $path"
    exit 0
fi

echo "ensure_chromium: installing Chromium failed; see the apt-get output above" >&2
hint
if in_ci; then exit 1; fi
exit 0
