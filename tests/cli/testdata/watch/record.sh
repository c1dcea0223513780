#!/bin/bash
# Records etcdctl 3.4.23's `watch` output for watch_golden_test.ts against a fresh real
# etcd 3.4.23 (/usr/bin/etcd) on random loopback ports. Run from this directory:
#   bash record.sh
# Writes <case>.out / <case>.err / <case>.code and ids.txt (cluster and member ids the
# test's in-process server then answers with).
set -u
cd "$(dirname "$0")"
DATA=$(mktemp -d)
P=$((20000 + RANDOM % 20000)); Q=$((P + 1))
/usr/bin/etcd --name rec --data-dir "$DATA/rec" --listen-client-urls http://127.0.0.1:$P \
  --advertise-client-urls http://127.0.0.1:$P --listen-peer-urls http://127.0.0.1:$Q \
  --initial-advertise-peer-urls http://127.0.0.1:$Q --initial-cluster rec=http://127.0.0.1:$Q \
  > "$DATA/etcd.log" 2>&1 &
ETCD=$!
trap 'kill $ETCD; rm -rf "$DATA"' EXIT
sleep 2
E="etcdctl --endpoints=127.0.0.1:$P"
$E put a 1 >/dev/null; $E put a 2 >/dev/null; $E put b x >/dev/null; $E del a >/dev/null
$E put a/1 y >/dev/null; $E put a 3 >/dev/null; $E compact 4 >/dev/null
$E endpoint status -w json | sed -E 's/.*"cluster_id":([0-9]+),"member_id":([0-9]+),.*"raft_term":([0-9]+).*/\1 \2 \3/' > ids.txt

record() { # name, args...
  local name=$1; shift
  timeout 5 $E watch "$@" > "$name.out" 2> "$name.err"; echo $? > "$name.code"
}
record compacted_simple a --rev 2
record compacted_json a --rev 2 -w json
record compacted_fields a --rev 2 -w fields
record compacted_protobuf a --rev 2 -w protobuf
record empty_range_simple b a
record empty_range_json b a -w json
record prefix_and_range a b --prefix
record no_key
record separator a --
ETCDCTL_WATCH_RANGE_END=b record env_range a

# Interactive: the writes happen between the lines, each after the output before it.
interactive() { # name, format flags...
  local name=$1; shift
  local fifo="$DATA/in.$name"; mkfifo "$fifo"
  $E watch -i "$@" < "$fifo" > "$name.out" 2> "$name.err" &
  local pid=$!
  exec 3> "$fifo"
  printf 'watch a --prefix --rev 4 --prev-kv\n' >&3; sleep 1
  printf '\nget x\nwatch\nwatch a b --prefix\n' >&3; sleep 0.5
  $E put a 4 >/dev/null; sleep 1
  printf 'progress\n' >&3; sleep 1
  printf 'watch b\n' >&3; sleep 1
  $E put b z >/dev/null; sleep 1
  exec 3>&-
  wait $pid; echo $? > "$name.code"
}
interactive interactive_simple
interactive interactive_json -w json
interactive interactive_fields -w fields
interactive interactive_hex --hex
