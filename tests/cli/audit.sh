#!/usr/bin/env bash
# The audit trail through the AWS CLI: GetKeyLastUsage, and CloudTrail's lookup-events on the same endpoint;
# then the same lookups through botocore (the AWS SDK for Python) in lookup_events_sdk.py.
source "$(dirname "$0")/lib.sh"
trail() { aws --endpoint-url "$TRENT_ENDPOINT" --output json cloudtrail "$@"; }

key_id=$(kms create-key --description audited | field "['KeyMetadata']['KeyId']")
key_arn=$(kms describe-key --key-id "$key_id" | field "['KeyMetadata']['Arn']")
# GetKeyLastUsage is a 2026 operation: older CLIs (Debian 12's 2.9) do not have it.
if aws kms get-key-last-usage help >/dev/null 2>&1; then has_last_usage=1; else has_last_usage=0; fi
if [ $has_last_usage = 1 ]; then
  [ "$(kms get-key-last-usage --key-id "$key_id" | python3 -c "import json,sys; print('KeyLastUsage' in json.load(sys.stdin))")" = False ] \
    || fail "a new key already has a last usage"
fi

kms encrypt --key-id "$key_id" --plaintext aGVsbG8= | field "['CiphertextBlob']" | base64 -d > "$work/blob"
decrypt_request=$(aws --endpoint-url "$TRENT_ENDPOINT" --debug kms decrypt --ciphertext-blob "fileb://$work/blob" 2>&1 >/dev/null \
  | sed -n "s/.*'x-amzn-RequestId': '\([0-9a-f-]*\)'.*/\1/p" | head -n 1)
[ -n "$decrypt_request" ] || fail "no request ID for decrypt"

if [ $has_last_usage = 1 ]; then
  # Usage is tracked off the request path: allow it a moment to arrive.
  for _ in $(seq 50); do
    kms get-key-last-usage --key-id "$key_id" > "$work/usage.json"
    [ "$(python3 -c "import json,sys; print(json.load(sys.stdin).get('KeyLastUsage',{}).get('Operation'))" < "$work/usage.json")" = Decrypt ] && break
    sleep 0.1
  done
  [ "$(field "['KeyLastUsage']['Operation']" < "$work/usage.json")" = Decrypt ] || fail "last usage: $(cat "$work/usage.json")"
  [ "$(field "['KeyLastUsage']['KmsRequestId']" < "$work/usage.json")" = "$decrypt_request" ] || fail "last usage request: $(cat "$work/usage.json")"
  [ "$(field "['KeyId']" < "$work/usage.json")" = "$key_id" ] || fail "last usage key: $(cat "$work/usage.json")"
  event_id=$(field "['KeyLastUsage']['CloudTrailEventId']" < "$work/usage.json")
else
  for _ in $(seq 50); do
    event_id=$(trail lookup-events --lookup-attributes "AttributeKey=EventName,AttributeValue=Decrypt" --max-items 1 \
      | python3 -c "import json,sys; print(([e['EventId'] for e in json.load(sys.stdin)['Events']] + [''])[0])")
    [ -n "$event_id" ] && break
    sleep 0.1
  done
fi

# The event GetKeyLastUsage names (or the newest Decrypt) is the Decrypt record.
trail lookup-events --lookup-attributes "AttributeKey=EventId,AttributeValue=$event_id" > "$work/by-id.json"
[ "$(field "['Events'][0]['EventName']" < "$work/by-id.json")" = Decrypt ] || fail "lookup by EventId: $(cat "$work/by-id.json")"
[ "$(field "['Events'][0]['Resources'][0]['ResourceName']" < "$work/by-id.json")" = "$key_arn" ] || fail "resources: $(cat "$work/by-id.json")"
[ "$(field "['Events'][0]['Username']" < "$work/by-id.json")" = root ] || fail "username: $(cat "$work/by-id.json")"
python3 -c "import json,sys; e=json.loads(json.load(sys.stdin)['Events'][0]['CloudTrailEvent']); assert e['requestID']=='$decrypt_request', e" < "$work/by-id.json" \
  || fail "CloudTrailEvent does not carry the request"

# By resource (key ID or ARN), newest first: Decrypt, Encrypt, (GetKeyLastUsage and DescribeKey), CreateKey.
names=$(trail lookup-events --lookup-attributes "AttributeKey=ResourceName,AttributeValue=$key_arn" \
  --query 'Events[].EventName' --output text)
[ "$(tr '\t' '\n' <<<"$names" | grep -v -e GetKeyLastUsage -e DescribeKey | tr '\n' ' ')" = "Decrypt Encrypt CreateKey " ] || fail "by resource: $names"
[ "$(trail lookup-events --lookup-attributes "AttributeKey=ResourceName,AttributeValue=$key_id" --query 'length(Events)')" \
  = "$(tr '\t' '\n' <<<"$names" | wc -l)" ] || fail "lookup by key ID differs from lookup by ARN"

# ReadOnly=false holds CreateKey but not Encrypt.
writes=$(trail lookup-events --lookup-attributes AttributeKey=ReadOnly,AttributeValue=false --query 'Events[].EventName' --output text)
grep -qw CreateKey <<<"$writes" || fail "ReadOnly=false: $writes"
! grep -qw Encrypt <<<"$writes" || fail "ReadOnly=false lists Encrypt: $writes"

# Paging through the CLI's paginator (MaxResults/NextToken under the hood), one event per page.
first=$(trail lookup-events --lookup-attributes "AttributeKey=ResourceName,AttributeValue=$key_arn" --page-size 1 --max-items 2)
token=$(field "['NextToken']" <<<"$first")
second=$(trail lookup-events --lookup-attributes "AttributeKey=ResourceName,AttributeValue=$key_arn" --page-size 1 --max-items 2 --starting-token "$token")
[ "$(field "['Events'][0]['EventName']" <<<"$second")" = "$(tr '\t' '\n' <<<"$names" | sed -n 3p)" ] || fail "second page: $second"

# Time range: nothing before the key existed.
[ "$(trail lookup-events --lookup-attributes "AttributeKey=ResourceName,AttributeValue=$key_arn" --end-time 2000-01-01T00:00:00Z --query 'length(Events)')" = 0 ] \
  || fail "end-time is not applied"

# CloudTrail's errors.
if trail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=Encrypt AttributeKey=Username,AttributeValue=root 2> "$work/err"; then
  fail "two lookup attributes were accepted"
fi
grep -q InvalidLookupAttributesException "$work/err" || fail "two attributes gave: $(cat "$work/err")"
if trail lookup-events --start-time 2030-01-01T00:00:00Z --end-time 2020-01-01T00:00:00Z 2> "$work/err"; then
  fail "an inverted time range was accepted"
fi
grep -q InvalidTimeRangeException "$work/err" || fail "inverted range gave: $(cat "$work/err")"

python3 "$(dirname "$0")/lookup_events_sdk.py" "$key_arn" "$event_id" || fail "botocore lookups failed"
echo "cli audit: ok"
