"""Runs under .venv-s3 (boto3): prepares a moto server that enforces SigV4 authentication.

moto lets the first INITIAL_NO_AUTH_ACTION_COUNT requests through unauthenticated; this script spends
them creating an IAM user with S3 access, its access key, a bucket and the objects. Every later
request must carry a valid signature. Prints {"access_key_id": ..., "secret_access_key": ...}.
Usage: s3_setup.py ENDPOINT BUCKET KEY=FILE...
"""
import json
import sys

import boto3

endpoint, bucket, *objects = sys.argv[1:]
session = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
iam = boto3.client("iam", **session)
iam.create_user(UserName="model-reader")
iam.put_user_policy(UserName="model-reader", PolicyName="s3", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="model-reader")["AccessKey"]
s3 = boto3.client("s3", **session)
s3.create_bucket(Bucket=bucket)
for spec in objects:
    name, path = spec.split("=", 1)
    with open(path, "rb") as f:
        s3.put_object(Bucket=bucket, Key=name, Body=f.read())
print(json.dumps({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}))
