#!/usr/bin/env bash
# What the deployment tests mount as Secrets, made fresh for one run: a throwaway CA and a server
# certificate for localhost and 127.0.0.1 signed by it, a bearer token, and an access config naming
# one front-desk caller with that token's hash.
#   test_secrets.sh DIR ESTIMATOR_CLI
# writes DIR/ca.pem (clients verify the server with it), DIR/tls.crt, DIR/tls.key,
# DIR/desk.token and DIR/access.textproto. Used by deploy/container_test.sh and
# tests/deploy/k8s_manifests_test.sh.
set -euo pipefail
DIR="$1"
CLI="$2"
mkdir -p "$DIR"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=estimator test CA" \
  -keyout "$DIR/ca.key" -out "$DIR/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$DIR/tls.key" \
  -out "$DIR/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$DIR/san.ext"
openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial \
  -days 2 -extfile "$DIR/san.ext" -out "$DIR/tls.crt" 2>/dev/null
chmod 0600 "$DIR/tls.key"
head -c 32 /dev/urandom | base64 >"$DIR/desk.token"
printf 'callers { name: "deploy_test" role: ROLE_FRONT_DESK token_sha256: "%s" }\n' \
  "$("$CLI" hash-token <"$DIR/desk.token")" >"$DIR/access.textproto"
