#!/usr/bin/env bash
# Verifies the SM2 signature of a 广佛通办 electronic credential with tools that share no code with
# the service: jq rebuilds the canonical signing payload, OpenSSL 3 checks the SM2/SM3 signature.
#
# Usage: bash scripts/verify-credential-openssl.sh credential.json issuer-public-key.pem
#   credential.json        the signed document (GET /api/v1/credentials/{id} → .document)
#   issuer-public-key.pem  the issuer key (GET /api/v1/credentials/issuer-keys → .keys[] | select(.keyId == ...) | .publicKeyPem)
#
# Signed bytes: canonical JSON (keys sorted, no white space, UTF-8) of the document without
# `proof`, plus `keyId` = proof.keyId. The signature is DER, base64, SM2 with SM3 and the default
# distinguishing identifier 1234567812345678 (GM/T 0009).
# Exit status 0 and "Signature Verified Successfully" when it verifies; non-zero otherwise.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 credential.json issuer-public-key.pem" >&2
  exit 2
fi
credential="$1"
public_key="$2"
for tool in jq openssl base64; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is required" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

jq -cSj 'del(.proof) + {keyId: .proof.keyId}' "$credential" >"$work/payload"
jq -rj '.proof.signature' "$credential" | base64 -d >"$work/signature.der"

openssl pkeyutl -verify -pubin -inkey "$public_key" -rawin -in "$work/payload" -sigfile "$work/signature.der" \
  -digest sm3 -pkeyopt distid:1234567812345678
