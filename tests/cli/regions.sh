#!/usr/bin/env bash
# One endpoint, every Region: the AWS CLI picks the Region with --region and finds the endpoint through
# AWS_ENDPOINT_URL_KMS, as README shows.
source "$(dirname "$0")/lib.sh"
export AWS_ENDPOINT_URL_KMS="$TRENT_ENDPOINT"
rkms() { aws --output json kms "$@"; }

irish=$(rkms create-key --region eu-west-1 --description irish | field "['KeyMetadata']['Arn']")
[[ $irish == arn:aws:kms:eu-west-1:*:key/* ]] || fail "eu-west-1 key ARN is '$irish'"
oregon=$(rkms create-key --region us-west-2 --description oregon | field "['KeyMetadata']['Arn']")
[[ $oregon == arn:aws:kms:us-west-2:*:key/* ]] || fail "us-west-2 key ARN is '$oregon'"

listed=$(rkms list-keys --region eu-west-1 --query 'Keys[].KeyArn' --output text)
[[ $listed == *"$irish"* && $listed != *"$oregon"* ]] || fail "eu-west-1 lists $listed"

if rkms describe-key --region us-west-2 --key-id "$irish" 2> "$work/err"; then
  fail "a key of eu-west-1 was described from us-west-2"
fi
grep -q "NotFoundException" "$work/err" || fail "cross-Region describe gave: $(cat "$work/err")"

if rkms list-keys --region xx-moon-1 2> "$work/err"; then
  fail "a Region that does not exist was served"
fi
grep -q "Credential should be scoped to a valid region" "$work/err" || fail "unknown Region gave: $(cat "$work/err")"
# A multi-Region key: created in one Region, replicated to another, and a ciphertext of one decrypts in the other.
mrk=$(rkms create-key --region us-east-1 --multi-region --description global | field "['KeyMetadata']['KeyId']")
[[ $mrk == mrk-* ]] || fail "multi-Region key ID is '$mrk'"
replica=$(rkms replicate-key --region us-east-1 --key-id "$mrk" --replica-region eu-west-1 | field "['ReplicaKeyMetadata']['Arn']")
[[ $replica == "arn:aws:kms:eu-west-1:"*":key/$mrk" ]] || fail "replica ARN is '$replica'"
for _ in $(seq 50); do
  state=$(rkms describe-key --region eu-west-1 --key-id "$mrk" --query KeyMetadata.KeyState --output text)
  [[ $state == Enabled ]] && break
  sleep 0.1
done
[[ $state == Enabled ]] || fail "the replica stayed $state"
printf 'across the ocean' > "$work/plain"
rkms encrypt --region us-east-1 --key-id "$mrk" --plaintext "fileb://$work/plain" --query CiphertextBlob --output text | base64 -d > "$work/blob"
rkms decrypt --region eu-west-1 --ciphertext-blob "fileb://$work/blob" --query Plaintext --output text | base64 -d > "$work/back"
cmp -s "$work/plain" "$work/back" || fail "the replica did not decrypt the primary's ciphertext"
role=$(rkms describe-key --region eu-west-1 --key-id "$mrk" --query KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType --output text)
[[ $role == REPLICA ]] || fail "the eu-west-1 key is '$role', not REPLICA"
echo "cli regions: ok"
