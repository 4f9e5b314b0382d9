#!/usr/bin/env bash
# The full symmetric key lifecycle through the AWS CLI against a running Trent.
source "$(dirname "$0")/lib.sh"

key_id=$(kms create-key --description app --tags TagKey=team,TagValue=cli | field "['KeyMetadata']['KeyId']")
[[ $key_id =~ ^[0-9a-f-]{36}$ ]] || fail "create-key returned '$key_id'"
alias_name="alias/cli-$RANDOM$RANDOM"
kms create-alias --alias-name "$alias_name" --target-key-id "$key_id"
[ "$(kms describe-key --key-id "$alias_name" | field "['KeyMetadata']['KeyId']")" = "$key_id" ] || fail "describe-key by alias"

printf 'attack at dawn' > "$work/secret.txt"
kms encrypt --key-id "$alias_name" --plaintext "fileb://$work/secret.txt" --encryption-context tenant=t1 \
  | field "['CiphertextBlob']" | base64 -d > "$work/secret.enc"
kms decrypt --ciphertext-blob "fileb://$work/secret.enc" --encryption-context tenant=t1 \
  | field "['Plaintext']" | base64 -d > "$work/secret.out"
cmp -s "$work/secret.txt" "$work/secret.out" || fail "decrypt did not return the plaintext"

if kms decrypt --ciphertext-blob "fileb://$work/secret.enc" --encryption-context tenant=t2 2> "$work/err"; then
  fail "decrypt with the wrong encryption context succeeded"
fi
grep -q InvalidCiphertextException "$work/err" || fail "wrong context gave: $(cat "$work/err")"

kms generate-data-key --key-id "$key_id" --key-spec AES_256 > "$work/dk.json"
[ "$(field "['Plaintext']" < "$work/dk.json" | base64 -d | wc -c)" -eq 32 ] || fail "data key is not 32 bytes"
field "['CiphertextBlob']" < "$work/dk.json" | base64 -d > "$work/dk.enc"
[ "$(kms decrypt --ciphertext-blob "fileb://$work/dk.enc" | field "['Plaintext']")" = "$(field "['Plaintext']" < "$work/dk.json")" ] \
  || fail "the data key did not decrypt to itself"

other=$(kms create-key | field "['KeyMetadata']['KeyId']")
kms re-encrypt --ciphertext-blob "fileb://$work/secret.enc" --source-encryption-context tenant=t1 --destination-key-id "$other" \
  | field "['CiphertextBlob']" | base64 -d > "$work/secret.re"
kms decrypt --ciphertext-blob "fileb://$work/secret.re" | field "['Plaintext']" | base64 -d | cmp -s - "$work/secret.txt" \
  || fail "re-encrypted ciphertext did not decrypt"

[ "$(kms generate-random --number-of-bytes 64 | field "['Plaintext']" | base64 -d | wc -c)" -eq 64 ] || fail "generate-random"
kms tag-resource --key-id "$key_id" --tags TagKey=env,TagValue=ci
[ "$(kms list-resource-tags --key-id "$key_id" | field "['Tags'].__len__()")" -eq 2 ] || fail "list-resource-tags"
kms untag-resource --key-id "$key_id" --tag-keys env
kms update-key-description --key-id "$key_id" --description renamed
kms get-key-policy --key-id "$key_id" --policy-name default | field "['Policy']" | grep '"Sid" : "Enable IAM User Permissions"' > /dev/null \
  || fail "default key policy"
kms list-key-policies --key-id "$key_id" | grep default > /dev/null || fail "list-key-policies"
[ "$(kms list-aliases --key-id "$key_id" | field "['Aliases'][0]['AliasName']")" = "$alias_name" ] || fail "list-aliases --key-id"
kms list-keys --limit 1 | grep NextMarker > /dev/null || fail "list-keys paging"

kms disable-key --key-id "$key_id"
if kms encrypt --key-id "$key_id" --plaintext "fileb://$work/secret.txt" 2> "$work/err"; then fail "disabled key encrypted"; fi
grep -q DisabledException "$work/err" || fail "disabled key gave: $(cat "$work/err")"
kms enable-key --key-id "$key_id"

[ "$(kms schedule-key-deletion --key-id "$other" --pending-window-in-days 7 | field "['KeyState']")" = PendingDeletion ] || fail "schedule"
kms cancel-key-deletion --key-id "$other" > /dev/null
[ "$(kms describe-key --key-id "$other" | field "['KeyMetadata']['KeyState']")" = Disabled ] || fail "cancel leaves Disabled"
kms delete-alias --alias-name "$alias_name"

echo "cli smoke: ok"
