# A throwaway RabbitMQ node for the demo (the shell twin of tests/support/rabbitmq_broker.cpp): Debian's
# rabbitmq-server run directly, never as a system service, with its data, logs and Erlang cookie in a directory of its
# own, on free loopback ports (AMQP, Erlang distribution, and its own epmd), user guest/guest (loopback only).
# shellcheck shell=bash
#
#   cbapi_rabbitmq_start <dir>     starts epmd and the node in the background; sets CBAPI_RABBITMQ_PORT
#   cbapi_rabbitmq_wait <seconds>  waits until the AMQP port accepts connections (fails with the node's log tail)
#   cbapi_rabbitmq_stop            stops the node and its epmd (idempotent; call it from an EXIT trap)

CBAPI_RABBITMQ_SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server
CBAPI_RABBITMQ_DIR=""
CBAPI_RABBITMQ_PORT=""
CBAPI_RABBITMQ_SERVER_PID=""
CBAPI_RABBITMQ_EPMD_PID=""

# True when something accepts TCP connections on 127.0.0.1:<port>.
cbapi_port_accepts() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a loopback port nothing listens on (not in the list of ports given as arguments).
cbapi_free_port() {
  local port taken
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 30000))
    taken=0
    for used in "$@"; do [ "$used" = "$port" ] && taken=1; done
    if [ "$taken" = 0 ] && ! cbapi_port_accepts "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "no free loopback port found" >&2
  return 1
}

cbapi_rabbitmq_start() {
  local dir="$1" amqp dist epmd
  if [ ! -x "$CBAPI_RABBITMQ_SERVER" ] || ! command -v epmd >/dev/null; then
    echo "RabbitMQ is not installed ($CBAPI_RABBITMQ_SERVER): apt-get install rabbitmq-server" >&2
    return 1
  fi
  mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
  amqp="$(cbapi_free_port)"
  dist="$(cbapi_free_port "$amqp")"
  epmd="$(cbapi_free_port "$amqp" "$dist")"
  printf 'loopback_users.guest = true\ndisk_free_limit.absolute = 1MB\n' >"$dir/rabbitmq.conf"
  echo '[].' >"$dir/enabled_plugins"
  CBAPI_RABBITMQ_DIR="$dir"
  CBAPI_RABBITMQ_PORT="$amqp"
  (
    export HOME="$dir/home" RABBITMQ_NODENAME="cbapidemo-$$@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$amqp" RABBITMQ_DIST_PORT="$dist" RABBITMQ_MNESIA_BASE="$dir/mnesia"
    export RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_PID_FILE="$dir/rabbit.pid"
    export ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$epmd"
    # Our own epmd in the foreground (so the node does not start a daemon we could not stop), then the node.
    epmd -port "$epmd" >"$dir/epmd.out" 2>&1 &
    echo $! >"$dir/epmd.pid"
    for _ in $(seq 1 100); do cbapi_port_accepts "$epmd" && break; sleep 0.1; done
    exec "$CBAPI_RABBITMQ_SERVER" >"$dir/server.out" 2>&1 </dev/null
  ) &
  CBAPI_RABBITMQ_SERVER_PID=$!
  for _ in $(seq 1 100); do [ -s "$dir/epmd.pid" ] && break; sleep 0.05; done
  CBAPI_RABBITMQ_EPMD_PID="$(cat "$dir/epmd.pid" 2>/dev/null || true)"
}

cbapi_rabbitmq_wait() {
  local timeout="$1" waited=0
  while ! cbapi_port_accepts "$CBAPI_RABBITMQ_PORT"; do
    if ! kill -0 "$CBAPI_RABBITMQ_SERVER_PID" 2>/dev/null || [ "$waited" -ge $((timeout * 10)) ]; then
      echo "RabbitMQ did not start on 127.0.0.1:$CBAPI_RABBITMQ_PORT; its output:" >&2
      tail -n 30 "$CBAPI_RABBITMQ_DIR/server.out" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

cbapi_rabbitmq_stop() {
  local vm=""
  [ -n "$CBAPI_RABBITMQ_DIR" ] && vm="$(cat "$CBAPI_RABBITMQ_DIR/rabbit.pid" 2>/dev/null || true)"
  # The pid file names the Erlang VM; the start script ends when the VM does.
  if [ -n "$vm" ]; then kill -TERM "$vm" 2>/dev/null || true; fi
  if [ -n "$CBAPI_RABBITMQ_SERVER_PID" ]; then
    kill -TERM "$CBAPI_RABBITMQ_SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$CBAPI_RABBITMQ_SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CBAPI_RABBITMQ_SERVER_PID" 2>/dev/null || true
    if [ -n "$vm" ]; then kill -KILL "$vm" 2>/dev/null || true; fi
    wait "$CBAPI_RABBITMQ_SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$CBAPI_RABBITMQ_EPMD_PID" ]; then kill -TERM "$CBAPI_RABBITMQ_EPMD_PID" 2>/dev/null || true; fi
  CBAPI_RABBITMQ_SERVER_PID=""
  CBAPI_RABBITMQ_EPMD_PID=""
  return 0
}
