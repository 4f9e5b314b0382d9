#!/usr/bin/env bash
# Principals through `aws iam` and `aws sts`, then `aws kms` as those principals, against a running Trent.
source "$(dirname "$0")/lib.sh"

iam() { aws --endpoint-url "$TRENT_ENDPOINT" --output json iam "$@"; }
sts() { aws --endpoint-url "$TRENT_ENDPOINT" --output json sts "$@"; }

[ "$(sts get-caller-identity | field "['Arn']")" = "arn:aws:iam::111122223333:root" ] || fail "get-caller-identity as the administrator"

user="cli-user-$RANDOM$RANDOM"
iam create-user --user-name "$user" --tags Key=team,Value=cli > "$work/user.json"
user_arn=$(field "['User']['Arn']" < "$work/user.json")
[ "$user_arn" = "arn:aws:iam::111122223333:user/$user" ] || fail "create-user returned '$user_arn'"
iam list-users | field "['Users']" | grep -F "$user" > /dev/null || fail "list-users does not show $user"

key_id=$(kms create-key --description iam-cli | field "['KeyMetadata']['KeyId']")
cat > "$work/policy.json" <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:DescribeKey"],"Resource":"*",
  "Condition":{"StringEquals":{"kms:EncryptionContext:app":"cli"}}}]}
JSON
iam put-user-policy --user-name "$user" --policy-name use-key --policy-document "file://$work/policy.json"
[ "$(iam get-user-policy --user-name "$user" --policy-name use-key | field "['PolicyDocument']['Statement'][0]['Condition']['StringEquals']['kms:EncryptionContext:app']")" = "cli" ] \
  || fail "get-user-policy did not return the document"
[ "$(iam list-user-policies --user-name "$user" | field "['PolicyNames']")" = "['use-key']" ] || fail "list-user-policies"

iam create-access-key --user-name "$user" > "$work/key.json"
user_key=$(field "['AccessKey']['AccessKeyId']" < "$work/key.json")
user_secret=$(field "['AccessKey']['SecretAccessKey']" < "$work/key.json")
[ "$(iam list-access-keys --user-name "$user" | field "['AccessKeyMetadata'][0]['AccessKeyId']")" = "$user_key" ] || fail "list-access-keys"

as_user() { AWS_ACCESS_KEY_ID="$user_key" AWS_SECRET_ACCESS_KEY="$user_secret" "$@"; }
[ "$(as_user sts get-caller-identity | field "['Arn']")" = "$user_arn" ] || fail "get-caller-identity as the user"
printf 'hello' > "$work/plain"
as_user kms encrypt --key-id "$key_id" --plaintext "fileb://$work/plain" --encryption-context app=cli > /dev/null \
  || fail "the user could not encrypt with the allowed context"
if as_user kms encrypt --key-id "$key_id" --plaintext "fileb://$work/plain" 2> "$work/err"; then
  fail "the user encrypted without the required encryption context"
fi
grep AccessDeniedException "$work/err" > /dev/null || fail "expected AccessDeniedException, got: $(cat "$work/err")"
grep -F "User: $user_arn is not authorized to perform: kms:Encrypt" "$work/err" > /dev/null || fail "denial message: $(cat "$work/err")"
if as_user iam create-user --user-name sneaky 2> "$work/err"; then
  fail "a user without IAM permissions created a user"
fi
grep AccessDenied "$work/err" > /dev/null || fail "expected AccessDenied from IAM, got: $(cat "$work/err")"

role="cli-role-$RANDOM$RANDOM"
cat > "$work/trust.json" <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"$user_arn"},"Action":"sts:AssumeRole"}]}
JSON
role_arn=$(iam create-role --role-name "$role" --assume-role-policy-document "file://$work/trust.json" | field "['Role']['Arn']")
iam put-role-policy --role-name "$role" --policy-name decrypt \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}'
# The user also needs sts:AssumeRole in its own policies (same account: the trust policy names the user, which suffices).
as_user sts assume-role --role-arn "$role_arn" --role-session-name cli-session > "$work/session.json"
as_role() {
  AWS_ACCESS_KEY_ID="$(field "['Credentials']['AccessKeyId']" < "$work/session.json")" \
  AWS_SECRET_ACCESS_KEY="$(field "['Credentials']['SecretAccessKey']" < "$work/session.json")" \
  AWS_SESSION_TOKEN="$(field "['Credentials']['SessionToken']" < "$work/session.json")" "$@"
}
[ "$(as_role sts get-caller-identity | field "['Arn']")" = "arn:aws:sts::111122223333:assumed-role/$role/cli-session" ] || fail "assumed-role identity"
as_role kms encrypt --key-id "$key_id" --plaintext "fileb://$work/plain" > /dev/null || fail "the role session could not encrypt"

iam delete-role-policy --role-name "$role" --policy-name decrypt
iam delete-role --role-name "$role"
if iam delete-user --user-name "$user" 2> "$work/err"; then
  fail "deleted a user that still has policies and keys"
fi
grep DeleteConflict "$work/err" > /dev/null || fail "expected DeleteConflict, got: $(cat "$work/err")"
iam delete-access-key --user-name "$user" --access-key-id "$user_key"
iam delete-user-policy --user-name "$user" --policy-name use-key
iam delete-user --user-name "$user"
echo "cli iam: ok"
