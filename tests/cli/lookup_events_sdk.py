"""LookupEvents through botocore, the AWS SDK for Python: its paginator, its parsing, its error handling."""
import json
import os
import sys

try:
    from botocore.session import get_session
except ImportError:  # Debian's AWS CLI v2 ships botocore inside its own package
    from awscli.botocore.session import get_session

key_arn, event_id = sys.argv[1], sys.argv[2]
client = get_session().create_client(
    "cloudtrail", endpoint_url=os.environ["TRENT_ENDPOINT"], region_name=os.environ["AWS_DEFAULT_REGION"])

pages = client.get_paginator("lookup_events").paginate(
    LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": key_arn}], PaginationConfig={"PageSize": 2})
events = [event for page in pages for event in page["Events"]]
names = [event["EventName"] for event in events]
assert {"CreateKey", "Encrypt", "Decrypt"} <= set(names), names
times = [event["EventTime"] for event in events]
assert times == sorted(times, reverse=True), times
assert len({event["EventId"] for event in events}) == len(events), "a page repeated an event"

by_id = client.lookup_events(LookupAttributes=[{"AttributeKey": "EventId", "AttributeValue": event_id}])["Events"]
assert [event["EventName"] for event in by_id] == ["Decrypt"], by_id
assert json.loads(by_id[0]["CloudTrailEvent"])["eventID"] == event_id

for bad, expected in [
    ({"MaxResults": 51}, "InvalidMaxResultsException"),
    ({"NextToken": "not-a-token"}, "InvalidNextTokenException"),
    ({"LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": "maybe"}]}, "InvalidLookupAttributesException"),
]:
    try:
        client.lookup_events(**bad)
    except Exception as error:  # botocore's ClientError (its module path differs between the two CLIs' copies)
        assert getattr(error, "response", {}).get("Error", {}).get("Code") == expected, (bad, error)
    else:
        raise AssertionError(f"{bad} was accepted")

print("botocore lookup-events: ok", len(events), "events")
