#!/usr/bin/env bash
# Makes a real llama.cpp `llama-server` runnable here, for integration tests, and prints its
# absolute path as the last line of stdout.
#
# - A llama-server already on PATH (other than ours) wins: its path is printed.
# - Else, if .cache/llama/bin/llama-server exists and runs, it is printed at once.
# - Else Debian sid's packages (the only ones with llama-server; they need sid's glibc) are
#   fetched with a private apt config under .cache/llama/apt (the system's apt setup is left
#   alone), unpacked with dpkg-deb into .cache/llama/root, and patched with sid's patchelf so
#   the binary uses the unpacked loader and libraries. We patch instead of running through
#   `ld-linux --library-path` because router mode re-executes /proc/self/exe, which would then
#   run without the loader. ggml looks for its CPU backends next to the executable, so they are
#   hard-linked there. bin/llama-server is a wrapper that execs the binary (same pid).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="$repo/.cache/llama"
wrapper="$cache/bin/llama-server"
root="$cache/root"
libdir="$root/usr/lib/x86_64-linux-gnu"
loader="$root/usr/lib64/ld-linux-x86-64.so.2"
packages=(llama.cpp-tools libllama0 libggml0 libc6 libgcc-s1 libstdc++6 libgomp1
  libssl3t64 zlib1g libzstd1 patchelf)

log() { echo "install-llama-server: $*" >&2; }

if found=$(command -v llama-server) && [[ $(realpath "$found") != "$(realpath -m "$wrapper")" ]]; then
  echo "$found"
  exit 0
fi

is_installed() { [[ -x $wrapper ]] && "$wrapper" --version >/dev/null 2>&1; }
if is_installed; then
  echo "$wrapper"
  exit 0
fi

# Parallel test workers may all call us: one installs, the others wait and reuse.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if is_installed; then
  echo "$wrapper"
  exit 0
fi

apt_opts=(
  -q
  -o "Dir::Etc::SourceList=$cache/apt/sources.list"
  -o "Dir::Etc::SourceParts=$cache/apt/empty"
  -o Dir::Etc::Preferences=/dev/null
  -o "Dir::Etc::PreferencesParts=$cache/apt/empty"
  -o "Dir::State::Lists=$cache/apt/lists"
  -o "Dir::Cache=$cache/apt/cache"
  -o Dir::State::status=/dev/null
  -o APT::Sandbox::User=root
)
mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/apt/empty"
echo 'deb http://deb.debian.org/debian sid main' >"$cache/apt/sources.list"
log "fetching sid package lists"
apt-get "${apt_opts[@]}" update >&2

rm -rf "$cache/debs" "$root" "$cache/bin"
mkdir -p "$cache/debs" "$root" "$cache/bin"
log "downloading ${packages[*]}"
(cd "$cache/debs" && apt-get "${apt_opts[@]}" download "${packages[@]}" >&2)
for deb in "$cache"/debs/*.deb; do
  dpkg-deb -x "$deb" "$root"
done

patchelf() { "$loader" --library-path "$libdir" "$root/usr/bin/patchelf" "$@"; }
# Patch a copy and rename it: patchelf itself has sid's libstdc++ mapped, which it may be patching.
patch_file() {
  local file=$1
  shift
  patchelf "$@" --set-rpath "$libdir/llama:$libdir" --output "$file.tmp" "$file"
  mv "$file.tmp" "$file"
}

# Every executable and library except glibc's own (which only needs the loader) gets the
# private rpath, so no library falls through to the system's older copies.
for deb in "$cache"/debs/*.deb; do
  case ${deb##*/} in libc6_* | patchelf_*) continue ;; esac
  while read -r path; do
    file="$root/${path#./}"
    [[ -f $file && ! -L $file ]] || continue
    case $file in
      "$root"/usr/bin/*) patch_file "$file" --set-interpreter "$loader" ;;
      "$libdir"/*.so | "$libdir"/*.so.*) patch_file "$file" ;;
    esac
  done < <(dpkg-deb --fsys-tarfile "$deb" | tar -t)
done
ln -f "$libdir"/ggml/backends*/libggml-*.so "$root/usr/bin/"

if missing=$("$loader" --list "$root/usr/bin/llama-server" | grep 'not found'); then
  log "unresolved libraries (add their packages to the list):"$'\n'"$missing"
  exit 1
fi

printf '#!/usr/bin/env bash\nexec %q "$@"\n' "$root/usr/bin/llama-server" >"$wrapper.tmp"
chmod +x "$wrapper.tmp"
mv "$wrapper.tmp" "$wrapper"
if ! "$wrapper" --version >&2; then
  log "$wrapper does not run"
  exit 1
fi
echo "$wrapper"
