#!/usr/bin/env bash
# Installs Synaptiq as a systemd service: the binary (built here, given, or a downloaded
# release checked against its SHA256SUMS), a `synaptiq` system user, a private data
# directory and a hardened unit. Safe to run again (it converges to the same state);
# --uninstall removes the binary and the unit and keeps the data.
set -euo pipefail

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
DATA_DIR=/var/lib/synaptiq
BINARY=
VERSION=
DOWNLOAD_DIR=
# Where releases are published: <base>/<tag>/synaptiq-<arch>-linux and <base>/<tag>/SHA256SUMS
# (GitHub's layout: https://github.com/OWNER/REPO/releases/download).
RELEASE_URL=${SYNAPTIQ_RELEASE_URL:-}
UNINSTALL=0
SERVICE_USER=synaptiq
UNIT_NAME=synaptiq.service
ENV_FILE=/etc/synaptiq/synaptiq.env

usage() {
    cat <<EOF
Usage: ./install.sh [--binary PATH | --version TAG] [--prefix DIR] [--data-dir DIR]
       ./install.sh --uninstall [--prefix DIR]

Installs Synaptiq as a systemd service:
  \$DESTDIR\$PREFIX/bin/synaptiq                  the binary
  user and group '$SERVICE_USER'                   a system account (root only, not with DESTDIR)
  \$DESTDIR<data dir>                             mode 0700, owned by $SERVICE_USER
  \$DESTDIR/etc/systemd/system/$UNIT_NAME      a hardened unit
  \$DESTDIR$ENV_FILE               optional settings (created once, never overwritten)

Options:
  --binary PATH    install this binary instead of building one; without it, the script
                   runs 'cargo build --release' in the checkout it belongs to
  --version TAG    download release TAG (e.g. v0.1.0) for this machine's architecture
                   from \$SYNAPTIQ_RELEASE_URL and install it if it matches its line in
                   the release's SHA256SUMS (needs curl and sha256sum)
  --prefix DIR     installation prefix (default: /usr/local; also PREFIX=...)
  --data-dir DIR   state directory (default: /var/lib/synaptiq)
  --uninstall      remove the binary and the unit; keep the data, the settings and the user
  -h, --help       show this help

Environment:
  DESTDIR          stage everything under this directory (for packaging; creates no user
                   and touches no running service)
  CARGO_TARGET_DIR where cargo puts the build (default: <checkout>/target)
  SYNAPTIQ_RELEASE_URL  base URL of the releases, for --version: files are fetched from
                   <base>/<TAG>/synaptiq-<x86_64|aarch64>-linux and <base>/<TAG>/SHA256SUMS

Run it as root (sudo) to install on this machine. Without --binary, building as root needs
cargo on root's PATH; otherwise build first as yourself:
  cargo build --release && sudo ./install.sh --binary target/x86_64-unknown-linux-gnu/release/synaptiq
EOF
}

note() { printf '%s\n' "$*" >&2; }
die() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}
usage_error() {
    usage >&2
    printf '\ninstall.sh: %s\n' "$*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
        --binary)
            [ $# -ge 2 ] || usage_error "--binary needs a path"
            BINARY=$2
            shift 2
            ;;
        --binary=*) BINARY=${1#*=}; shift ;;
        --version)
            [ $# -ge 2 ] || usage_error "--version needs a release tag"
            VERSION=$2
            shift 2
            ;;
        --version=*) VERSION=${1#*=}; shift ;;
        --prefix)
            [ $# -ge 2 ] || usage_error "--prefix needs a directory"
            PREFIX=$2
            shift 2
            ;;
        --prefix=*) PREFIX=${1#*=}; shift ;;
        --data-dir)
            [ $# -ge 2 ] || usage_error "--data-dir needs a directory"
            DATA_DIR=$2
            shift 2
            ;;
        --data-dir=*) DATA_DIR=${1#*=}; shift ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage_error "unknown argument: $1" ;;
    esac
done

[ -z "$BINARY" ] || [ -z "$VERSION" ] || usage_error "--binary and --version exclude each other"

# systemd needs absolute paths, and the unit file does not quote them.
for path in "$PREFIX" "$DATA_DIR"; do
    case $path in
        /*) ;;
        *) die "paths must be absolute: $path" ;;
    esac
    case $path in
        *[[:space:]]* | *\"* | *\'* | *\\* | *%* | *\$*) die "paths must not contain spaces, quotes, \\, % or \$: $path" ;;
    esac
done
PREFIX=${PREFIX%/}
DATA_DIR=${DATA_DIR%/}
[ -n "$DATA_DIR" ] || die "--data-dir must not be /"

BIN_PATH=$PREFIX/bin/synaptiq
UNIT_PATH=/etc/systemd/system/$UNIT_NAME
is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1
# Touch the live system (user, chown, systemctl) only when root and not staging.
live=0
[ "$is_root" -eq 1 ] && [ -z "$DESTDIR" ] && live=1

if [ "$is_root" -eq 0 ] && [ -z "$DESTDIR" ]; then
    die "run as root (sudo ./install.sh ...), or set DESTDIR to stage the files somewhere else"
fi

systemd_running() {
    [ "$live" -eq 1 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

uninstall() {
    if systemd_running && systemctl list-unit-files "$UNIT_NAME" >/dev/null 2>&1; then
        note "Stopping and disabling $UNIT_NAME"
        systemctl disable --now "$UNIT_NAME" >/dev/null 2>&1 || true
    fi
    local path
    for path in "$DESTDIR$BIN_PATH" "$DESTDIR$UNIT_PATH"; do
        if [ -e "$path" ] || [ -L "$path" ]; then
            rm -f -- "$path"
            note "Removed $path"
        else
            note "Already absent: $path"
        fi
    done
    if systemd_running; then
        systemctl daemon-reload
    fi
    note ""
    note "Kept: the data in $DESTDIR$DATA_DIR, the settings in $DESTDIR$ENV_FILE and the user '$SERVICE_USER'."
    note "Remove them yourself if you no longer need them:"
    note "  sudo rm -rf $DATA_DIR /etc/synaptiq && sudo userdel $SERVICE_USER"
}

# The checkout this script sits in, if it is one.
checkout_dir() {
    local dir
    dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
    if [ -f "$dir/Cargo.toml" ] && grep -q '^name = "synaptiq"' "$dir/Cargo.toml"; then
        printf '%s\n' "$dir"
    fi
}

build_binary() {
    local repo target
    repo=$(checkout_dir)
    [ -n "$repo" ] || die "not in a Synaptiq checkout: pass --binary PATH"
    command -v cargo >/dev/null 2>&1 ||
        die "cargo not found (as $(id -un)); build first: cargo build --release && sudo ./install.sh --binary target/x86_64-unknown-linux-gnu/release/synaptiq"
    note "Building: cargo build --release (in $repo)"
    (cd -- "$repo" && cargo build --release) >&2
    target=${CARGO_TARGET_DIR:-$repo/target}
    case $target in
        /*) ;;
        *) target=$repo/$target ;;
    esac
    # .cargo/config.toml names the target (static linking), so the build lands under it.
    BINARY=$target/x86_64-unknown-linux-gnu/release/synaptiq
}

# The release asset's architecture name for this machine.
release_arch() {
    case $(uname -m) in
        x86_64 | amd64) echo x86_64 ;;
        aarch64 | arm64) echo aarch64 ;;
        *) die "no release binary for $(uname -m): build from source instead" ;;
    esac
}

# Downloads release $VERSION into a temporary directory and checks it against SHA256SUMS.
download_release() {
    case $VERSION in
        v[0-9]*) ;;
        *) die "--version takes a release tag like v0.1.0, not: $VERSION" ;;
    esac
    case $VERSION in
        *[!A-Za-z0-9._+-]*) die "--version takes a release tag like v0.1.0, not: $VERSION" ;;
    esac
    [ -n "$RELEASE_URL" ] || die "set SYNAPTIQ_RELEASE_URL to where the releases are published"
    command -v curl >/dev/null 2>&1 || die "curl not found: needed to download a release"
    command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found: needed to check a release"
    local asset base dir expected
    asset=synaptiq-$(release_arch)-linux
    base=${RELEASE_URL%/}/$VERSION
    DOWNLOAD_DIR=$(mktemp -d)
    # Removed on exit whatever happens; the installed copy is made before that.
    trap 'rm -rf -- "$DOWNLOAD_DIR"' EXIT
    dir=$DOWNLOAD_DIR
    note "Downloading $base/$asset"
    curl -fsSL --retry 2 -o "$dir/SHA256SUMS" -- "$base/SHA256SUMS" ||
        die "cannot download $base/SHA256SUMS"
    expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$dir/SHA256SUMS")
    [ -n "$expected" ] || die "SHA256SUMS of $VERSION has no line for $asset"
    curl -fsSL --retry 2 -o "$dir/$asset" -- "$base/$asset" ||
        die "cannot download $base/$asset"
    (cd -- "$dir" && printf '%s  %s\n' "$expected" "$asset" | sha256sum --check --status) ||
        die "checksum mismatch for $asset: the download is not the release, refusing to install it"
    note "Checked $asset against SHA256SUMS ($expected)"
    BINARY=$dir/$asset
}

ensure_user() {
    if [ "$live" -eq 0 ]; then
        note "Skipped: creating the '$SERVICE_USER' user (needs root and no DESTDIR); create it where the files are deployed:"
        note "  useradd --system --user-group --home-dir $DATA_DIR --no-create-home --shell /usr/sbin/nologin $SERVICE_USER"
        return
    fi
    if id -u "$SERVICE_USER" >/dev/null 2>&1; then
        note "User '$SERVICE_USER' exists"
        return
    fi
    command -v useradd >/dev/null 2>&1 || die "useradd not found: create a system user '$SERVICE_USER' yourself and run again"
    local shell=/usr/sbin/nologin
    [ -x "$shell" ] || shell=/sbin/nologin
    [ -x "$shell" ] || shell=/bin/false
    useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell "$shell" "$SERVICE_USER"
    note "Created system user '$SERVICE_USER'"
}

ensure_data_dir() {
    local dir=$DESTDIR$DATA_DIR
    mkdir -p -- "$dir"
    chmod 0700 -- "$dir"
    if [ "$live" -eq 1 ]; then
        chown "$SERVICE_USER:$SERVICE_USER" -- "$dir"
        note "Data directory $dir (0700, owned by $SERVICE_USER)"
    else
        note "Data directory $dir (0700; chown it to $SERVICE_USER:$SERVICE_USER where deployed)"
    fi
}

ensure_env_file() {
    local file=$DESTDIR$ENV_FILE
    mkdir -p -- "$(dirname -- "$file")"
    if [ -e "$file" ]; then
        note "Settings $file exist (left unchanged)"
        return
    fi
    # Root-only: it may hold the admin token or an LLM key. systemd reads it as root.
    (
        umask 077
        cat >"$file" <<'EOF'
# Settings for synaptiq.service: SYNAPTIQ_*=value lines, one per line (see docs/operations.md,
# "Configuration"). Apply changes with: sudo systemctl restart synaptiq
#
# Behind a reverse proxy (examples/nginx.conf, examples/Caddyfile):
#SYNAPTIQ_PUBLIC_URL=https://chat.example.com
#SYNAPTIQ_TRUSTED_PROXIES=127.0.0.1/32,::1/128
#
# Listen address (keep 127.0.0.1 behind a proxy):
#SYNAPTIQ_BIND=127.0.0.1:8080
#
# Language model for the agent (default: builtin, offline):
#SYNAPTIQ_LLM_PROVIDER=openai
#SYNAPTIQ_LLM_BASE_URL=http://127.0.0.1:11434/v1
#SYNAPTIQ_LLM_API_KEY=
#SYNAPTIQ_LLM_MODEL=
#
#SYNAPTIQ_LOG=info
#SYNAPTIQ_LOG_FORMAT=json
EOF
    )
    chmod 0600 -- "$file"
    note "Settings $file (0600; all lines commented out)"
}

write_unit() {
    local file=$DESTDIR$UNIT_PATH
    mkdir -p -- "$(dirname -- "$file")"
    cat >"$file.tmp" <<EOF
# Installed by Synaptiq's install.sh; running it again rewrites this file.
[Unit]
Description=Synaptiq: self-hosted AI sales agent
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=$SERVICE_USER
Group=$SERVICE_USER
# Optional SYNAPTIQ_* settings; the leading '-' means the file may be absent.
EnvironmentFile=-$ENV_FILE
ExecStart=$BIN_PATH serve --data-dir $DATA_DIR
WorkingDirectory=$DATA_DIR
UMask=0077

# Stop: SIGTERM, the server drains in-flight requests (up to 30 s), then flushes and closes.
KillSignal=SIGTERM
TimeoutStopSec=40
Restart=on-failure
RestartSec=2
# Exit code 2 is a configuration error: restarting would not help.
RestartPreventExitStatus=2
LimitNOFILE=65536

# Hardening: read-only system, no home directories, private /tmp, writes only to the data.
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=$DATA_DIR
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
# No capabilities: binding a port below 1024 would need AmbientCapabilities=CAP_NET_BIND_SERVICE
# (better: keep 127.0.0.1:8080 behind a reverse proxy).
CapabilityBoundingSet=

[Install]
WantedBy=multi-user.target
EOF
    mv -f -- "$file.tmp" "$file"
    chmod 0644 -- "$file"
    note "Unit $file"
}

install_binary() {
    [ -f "$BINARY" ] || die "no such file: $BINARY"
    local version
    version=$(timeout 5 "$BINARY" --version 2>/dev/null | head -n 1 || true)
    mkdir -p -- "$DESTDIR$PREFIX/bin"
    # Copy beside the target, then rename: a running server keeps its old inode.
    install -m 0755 -- "$BINARY" "$DESTDIR$BIN_PATH.new"
    mv -f -- "$DESTDIR$BIN_PATH.new" "$DESTDIR$BIN_PATH"
    note "Binary $DESTDIR$BIN_PATH${version:+ ($version)}"
}

next_steps() {
    cat <<EOF

Next steps:
  sudo systemctl daemon-reload
  sudo systemctl enable --now synaptiq
  sudo journalctl -u synaptiq -e     # the admin token is printed once, on the first start

Settings: $ENV_FILE (then: sudo systemctl restart synaptiq)
API keys: sudo -u $SERVICE_USER $BIN_PATH keys create --name crm --data-dir $DATA_DIR
EOF
    if [ -n "$DESTDIR" ]; then
        printf '\nStaged under %s: copy the tree to the target machine and create the user there.\n' "$DESTDIR"
    fi
}

if [ "$UNINSTALL" -eq 1 ]; then
    uninstall
    exit 0
fi

if [ -n "$VERSION" ]; then
    download_release
elif [ -z "$BINARY" ]; then
    build_binary
fi
install_binary
ensure_user
ensure_data_dir
ensure_env_file
write_unit
next_steps
