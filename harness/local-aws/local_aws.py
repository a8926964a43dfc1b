"""Operations on the local AWS server (moto), run from the project's venv with real boto3.

Usage: python local_aws.py <command> --endpoint http://127.0.0.1:PORT   (JSON input on stdin)
Prints one JSON document on stdout. On failure prints {"error": "...", "type": "..."} and exits 1.

Every name comes from the caller (the TypeScript side reads model/resources.ts), so nothing
here restates the contract.
"""
from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any, Callable

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "us-east-1"


def clients(endpoint: str) -> Callable[[str], Any]:
    # Credentials from the environment: the caller passes the local account's (model/local-aws-account.ts).
    session = boto3.session.Session(region_name=REGION)
    # Loopback server: fail fast instead of botocore's retries with backoff when it is not there.
    config = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=3, read_timeout=60)
    return lambda service: session.client(service, endpoint_url=endpoint, config=config)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def seed(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    """Creates the table, topic, bucket and secrets; safe to run again (values are updated)."""
    dynamodb = client("dynamodb")
    table = spec["tableName"]
    key = spec["tableKey"]
    try:
        dynamodb.create_table(
            TableName=table,
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    except ClientError as error:
        if error_code(error) != "ResourceInUseException":
            raise
    dynamodb.get_waiter("table_exists").wait(TableName=table)
    table_arn = dynamodb.describe_table(TableName=table)["Table"]["TableArn"]

    # CreateTopic is idempotent for the same name and attributes.
    topic_arn = client("sns").create_topic(Name=spec["topicName"])["TopicArn"]

    s3 = client("s3")
    try:
        s3.create_bucket(Bucket=spec["modelBucket"])
    except ClientError as error:
        if error_code(error) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise

    secrets = client("secretsmanager")
    secret_arns: dict[str, str] = {}
    for secret_id, entry in spec["secrets"].items():
        name, value = entry["name"], entry["value"]
        try:
            secret_arns[secret_id] = secrets.create_secret(Name=name, SecretString=value)["ARN"]
        except ClientError as error:
            if error_code(error) != "ResourceExistsException":
                raise
            secret_arns[secret_id] = secrets.put_secret_value(SecretId=name, SecretString=value)["ARN"]

    # The functions' on-failure destinations (CreateQueue is idempotent for the same attributes).
    sqs = client("sqs")
    queue_urls: dict[str, str] = {}
    for function_name, queue_name in spec.get("deadLetterQueues", {}).items():
        queue_urls[function_name] = sqs.create_queue(QueueName=queue_name)["QueueUrl"]

    return {
        "tableName": table,
        "tableArn": table_arn,
        "topicArn": topic_arn,
        "modelBucket": spec["modelBucket"],
        "secretArns": secret_arns,
        "deadLetterQueueUrls": queue_urls,
    }


def upload_file(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    s3 = client("s3")
    s3.upload_file(spec["file"], spec["bucket"], spec["key"])
    head = s3.head_object(Bucket=spec["bucket"], Key=spec["key"])
    return {"s3Uri": f"s3://{spec['bucket']}/{spec['key']}", "bytes": head["ContentLength"]}


def object_exists(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    try:
        head = client("s3").head_object(Bucket=spec["bucket"], Key=spec["key"])
        return {"exists": True, "bytes": head["ContentLength"]}
    except ClientError as error:
        if error_code(error) in ("404", "NoSuchKey", "NotFound", "NoSuchBucket"):
            return {"exists": False}
        raise


def subscribe_http(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    endpoint = spec["endpointUrl"]
    protocol = "https" if endpoint.startswith("https:") else "http"
    arn = client("sns").subscribe(TopicArn=spec["topicArn"], Protocol=protocol, Endpoint=endpoint)["SubscriptionArn"]
    return {"subscriptionArn": arn}


def unsubscribe(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    client("sns").unsubscribe(SubscriptionArn=spec["subscriptionArn"])
    return {"unsubscribed": spec["subscriptionArn"]}


def publish(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    result = client("sns").publish(TopicArn=spec["topicArn"], Message=spec["message"])
    return {"messageId": result["MessageId"]}


def send_message(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    attributes = {name: {"DataType": "String", "StringValue": value} for name, value in spec.get("attributes", {}).items()}
    result = client("sqs").send_message(QueueUrl=spec["queueUrl"], MessageBody=spec["body"], MessageAttributes=attributes)
    return {"messageId": result["MessageId"]}


def receive_messages(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    """Every message in the queue, left in it (visibility timeout 0): for tests and reports."""
    sqs = client("sqs")
    seen: dict[str, dict[str, Any]] = {}
    for _ in range(100):
        batch = sqs.receive_message(QueueUrl=spec["queueUrl"], MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0, MessageAttributeNames=["All"])
        fresh = [m for m in batch.get("Messages", []) if m["MessageId"] not in seen]
        if not fresh:
            break
        for message in fresh:
            attributes = {name: value.get("StringValue", "") for name, value in message.get("MessageAttributes", {}).items()}
            seen[message["MessageId"]] = {"messageId": message["MessageId"], "body": message["Body"], "attributes": attributes}
    return {"messages": list(seen.values())}


def plain(value: Any) -> Any:
    """DynamoDB resource values -> JSON (Decimal becomes int or float)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, set, tuple)):
        return [plain(v) for v in value]
    return value


def scan_items(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": spec["tableName"]}
    paginator = client("dynamodb").get_paginator("scan")
    for page in paginator.paginate(**kwargs):
        for raw in page.get("Items", []):
            items.append(plain({k: deserializer.deserialize(v) for k, v in raw.items()}))
    return {"items": items}


def put_items(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    dynamodb = client("dynamodb")
    for item in spec["items"]:
        converted = json.loads(json.dumps(item), parse_float=Decimal)
        dynamodb.put_item(
            TableName=spec["tableName"],
            Item={k: serializer.serialize(v) for k, v in converted.items()},
        )
    return {"written": len(spec["items"])}


def put_image(client: Callable[[str], Any], spec: dict[str, Any]) -> dict[str, Any]:
    """Mirrors an image manifest pushed to a real registry into the local ECR, under its digest.

    Idempotent: the same manifest under the same tag is already there (ECR answers
    ImageAlreadyExistsException); any other image under that tag is refused (immutable tags).
    """
    ecr = client("ecr")
    try:
        image = ecr.put_image(
            repositoryName=spec["repository"],
            imageManifest=spec["manifest"],
            imageManifestMediaType=spec["mediaType"],
            imageTag=spec["tag"],
            imageDigest=spec["digest"],
        )["image"]
        return {"digest": image["imageId"]["imageDigest"], "created": True}
    except ClientError as error:
        if error_code(error) != "ImageAlreadyExistsException":
            raise
    found = ecr.describe_images(repositoryName=spec["repository"], imageIds=[{"imageTag": spec["tag"]}])["imageDetails"]
    return {"digest": found[0]["imageDigest"], "created": False}


COMMANDS: dict[str, Callable[[Callable[[str], Any], dict[str, Any]], dict[str, Any]]] = {
    "seed": seed,
    "upload-file": upload_file,
    "object-exists": object_exists,
    "subscribe-http": subscribe_http,
    "unsubscribe": unsubscribe,
    "publish": publish,
    "scan-items": scan_items,
    "put-items": put_items,
    "put-image": put_image,
    "send-message": send_message,
    "receive-messages": receive_messages,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--endpoint", required=True)
    args = parser.parse_args()
    raw = sys.stdin.read().strip()
    spec = json.loads(raw) if raw else {}
    try:
        result = COMMANDS[args.command](clients(args.endpoint), spec)
    except Exception as error:  # reported to the TypeScript caller as data, with the type
        print(json.dumps({"error": str(error), "type": type(error).__name__}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
