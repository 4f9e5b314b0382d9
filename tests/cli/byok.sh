#!/usr/bin/env bash
# Rotation and bring-your-own-key through the AWS CLI, with material wrapped by the openssl CLI.
source "$(dirname "$0")/lib.sh"

# Rotation: on demand, listed, old ciphertext still decrypts. (Older AWS CLIs, such as Debian 12's 2.9,
# predate RotationPeriodInDays and RotateKeyOnDemand; with those, only automatic rotation is exercised.)
key_id=$(kms create-key | field "['KeyMetadata']['KeyId']")
printf 'rotate me' > "$work/plain"
kms encrypt --key-id "$key_id" --plaintext "fileb://$work/plain" | field "['CiphertextBlob']" | base64 -d > "$work/old.enc"
if aws kms rotate-key-on-demand help > /dev/null 2>&1; then
  kms enable-key-rotation --key-id "$key_id" --rotation-period-in-days 180
  [ "$(kms get-key-rotation-status --key-id "$key_id" | field "['RotationPeriodInDays']")" = 180 ] || fail "rotation period"
  kms rotate-key-on-demand --key-id "$key_id" > /dev/null
  [ "$(kms list-key-rotations --key-id "$key_id" | field "['Rotations'][0]['RotationType']")" = ON_DEMAND ] || fail "list-key-rotations"
  kms decrypt --ciphertext-blob "fileb://$work/old.enc" | field "['Plaintext']" | base64 -d | cmp -s - "$work/plain" \
    || fail "a ciphertext from before the rotation did not decrypt"
else
  echo "note: this AWS CLI has no rotate-key-on-demand; checking automatic rotation settings only"
  kms enable-key-rotation --key-id "$key_id"
  [ "$(kms get-key-rotation-status --key-id "$key_id" | field "['KeyRotationEnabled']")" = True ] || fail "rotation status"
fi
kms disable-key-rotation --key-id "$key_id"

# Import: wrap 32 random bytes with openssl (RSAES_OAEP_SHA_256) and import them.
ext=$(kms create-key --origin EXTERNAL | field "['KeyMetadata']['KeyId']")
[ "$(kms describe-key --key-id "$ext" | field "['KeyMetadata']['KeyState']")" = PendingImport ] || fail "EXTERNAL key state"
kms get-parameters-for-import --key-id "$ext" --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 > "$work/params.json"
field "['PublicKey']" < "$work/params.json" | base64 -d > "$work/wrapping.der"
field "['ImportToken']" < "$work/params.json" | base64 -d > "$work/token.bin"
openssl rand -out "$work/material.bin" 32
openssl pkeyutl -encrypt -pubin -keyform DER -inkey "$work/wrapping.der" -in "$work/material.bin" -out "$work/wrapped.bin" \
  -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
kms import-key-material --key-id "$ext" --encrypted-key-material "fileb://$work/wrapped.bin" \
  --import-token "fileb://$work/token.bin" --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE > /dev/null
[ "$(kms describe-key --key-id "$ext" | field "['KeyMetadata']['KeyState']")" = Enabled ] || fail "imported key is not enabled"
kms encrypt --key-id "$ext" --plaintext "fileb://$work/plain" | field "['CiphertextBlob']" | base64 -d > "$work/ext.enc"

# Delete the material: the key becomes unusable. Re-import it: the old ciphertext decrypts again.
kms delete-imported-key-material --key-id "$ext" > /dev/null
if kms decrypt --ciphertext-blob "fileb://$work/ext.enc" 2> "$work/err"; then fail "decrypt worked without material"; fi
grep KMSInvalidStateException "$work/err" > /dev/null || fail "deleted material gave: $(cat "$work/err")"
kms import-key-material --key-id "$ext" --encrypted-key-material "fileb://$work/wrapped.bin" \
  --import-token "fileb://$work/token.bin" --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE > /dev/null
kms decrypt --ciphertext-blob "fileb://$work/ext.enc" | field "['Plaintext']" | base64 -d | cmp -s - "$work/plain" \
  || fail "re-imported material did not decrypt the old ciphertext"

echo "cli byok: ok"
