# Node.js releases for .ci/run, from the npm registry's node-linux-<arch> packages (the official
# binaries with their headers), installed into .ci/node/<version> by npm itself.
#   install_node VERSION      installs it unless present
#   with_node VERSION CMD...  runs CMD with that node first on PATH (the machine's npm runs on it)
#                             and native addons built against its headers

node_dir() {
  printf '%s/.ci/node/%s/node_modules/node-linux-%s' "$PWD" "$1" "$(node_arch)"
}

node_arch() {
  case "$(uname -m)" in
    x86_64) echo x64 ;;
    aarch64) echo arm64 ;;
    *) echo "no node-linux package for $(uname -m)" >&2; return 1 ;;
  esac
}

install_node() {
  local version=$1 dir
  dir="$(node_dir "$version")"
  if [ ! -x "$dir/bin/node" ]; then
    npm install --prefix ".ci/node/$version" --no-save --no-package-lock --no-audit --no-fund "node-linux-$(node_arch)@$version"
  fi
  local actual
  actual="$("$dir/bin/node" --version)"
  if [ "$actual" != "v$version" ]; then echo "$dir/bin/node is $actual, not v$version" >&2; return 1; fi
}

with_node() {
  local dir
  dir="$(node_dir "$1")"
  shift
  (
    export PATH="$dir/bin:$PATH" npm_config_nodedir="$dir"
    echo "node $(node --version) ($(command -v node)), npm $(npm --version)"
    "$@"
  )
}
