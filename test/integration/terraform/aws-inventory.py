"""Lists what exists on a local AWS API server (moto), as JSON: the terraform test's evidence."""
import json
import sys

import boto3

endpoint = sys.argv[1]
# Credentials from the environment: the test passes the local account's (model/local-aws-account.ts).
kw = dict(endpoint_url=endpoint, region_name="us-east-1")
c = lambda name: boto3.client(name, **kw)  # noqa: E731

inventory = {
    "lambda_functions": [f["FunctionName"] for f in c("lambda").list_functions()["Functions"]],
    "s3_buckets": [b["Name"] for b in c("s3").list_buckets()["Buckets"]],
    "dynamodb_tables": c("dynamodb").list_tables()["TableNames"],
    "sns_topics": [t["TopicArn"] for t in c("sns").list_topics()["Topics"]],
    "sns_subscriptions": [s["SubscriptionArn"] for s in c("sns").list_subscriptions()["Subscriptions"]],
    "secrets": [s["Name"] for s in c("secretsmanager").list_secrets()["SecretList"]],
    "ecr_repositories": [r["repositoryName"] for r in c("ecr").describe_repositories()["repositories"]],
    "iam_roles": [r["RoleName"] for r in c("iam").list_roles()["Roles"]],
    "log_groups": [g["logGroupName"] for g in c("logs").describe_log_groups()["logGroups"]],
    "metric_filters": [f["filterName"] for f in c("logs").describe_metric_filters()["metricFilters"]],
    "alarms": [a["AlarmName"] for a in c("cloudwatch").describe_alarms()["MetricAlarms"]],
    "event_rules": [r["Name"] for r in c("events").list_rules()["Rules"]],
    "sqs_queues": [u.rsplit("/", 1)[-1] for u in c("sqs").list_queues().get("QueueUrls", [])],
}
details = {}
if len(sys.argv) > 2 and sys.argv[2] == "--details":
    lam = c("lambda")
    for name in inventory["lambda_functions"]:
        cfg = lam.get_function(FunctionName=name)
        details[name] = {
            "PackageType": cfg["Configuration"].get("PackageType"),
            "CodeSha256": cfg["Configuration"].get("CodeSha256"),
            "MemorySize": cfg["Configuration"].get("MemorySize"),
            "ImageUri": cfg.get("Code", {}).get("ImageUri"),
            "Environment": cfg["Configuration"].get("Environment", {}).get("Variables", {}),
            "ReservedConcurrency": cfg.get("Concurrency", {}).get("ReservedConcurrentExecutions"),
            "DeadLetterTarget": cfg["Configuration"].get("DeadLetterConfig", {}).get("TargetArn"),
        }
        try:
            policy = json.loads(lam.get_policy(FunctionName=name)["Policy"])
            principal = lambda p: p if isinstance(p, str) else str(p.get("Service", p.get("AWS")))  # noqa: E731
            details[name]["PolicyGrants"] = sorted(f'{st["Action"]} {principal(st["Principal"])}' for st in policy["Statement"])
        except lam.exceptions.ResourceNotFoundException:
            details[name]["PolicyGrants"] = []
        try:
            url = lam.get_function_url_config(FunctionName=name)
            details[name]["Url"] = {"AuthType": url["AuthType"], "Cors": url.get("Cors", {})}
        except lam.exceptions.ResourceNotFoundException:
            pass
    ecr = c("ecr")
    for repo in ecr.describe_repositories()["repositories"]:
        details["ecr:" + repo["repositoryName"]] = {
            "imageTagMutability": repo["imageTagMutability"],
            "scanOnPush": repo["imageScanningConfiguration"]["scanOnPush"],
            "lifecyclePolicy": json.loads(ecr.get_lifecycle_policy(repositoryName=repo["repositoryName"])["lifecyclePolicyText"]),
        }
    s3 = c("s3")
    for bucket in inventory["s3_buckets"]:
        details["s3:" + bucket] = {
            "lifecycle": s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"],
        }
print(json.dumps({"inventory": inventory, "details": details}))
