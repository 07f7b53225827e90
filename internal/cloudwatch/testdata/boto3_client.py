"""Drives scaled's CloudWatch endpoint with boto3 over every wire protocol botocore knows.

Usage: boto3_client.py ENDPOINT NOW_EPOCH_SECONDS

For each protocol (smithy-rpc-v2-cbor, json, query) the script loads a copy of botocore's
CloudWatch model restricted to that protocol, so one botocore installation exercises all
three codecs. Protocols this botocore does not support are skipped. Prints one line per
protocol and exits non-zero on the first failure.
"""

import copy
import datetime
import json
import os
import sys
import tempfile

import boto3
import botocore
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError


try:
    from botocore.utils import PRIORITY_ORDERED_SUPPORTED_PROTOCOLS as SUPPORTED
except ImportError:  # botocore before the protocols trait (for example Debian's)
    SUPPORTED = ("json", "rest-json", "rest-xml", "query", "ec2")


def load_model():
    return botocore.session.get_session().get_component("data_loader").load_service_model("cloudwatch", "service-2")


def client_for(endpoint, protocol, tmp):
    model = copy.deepcopy(load_model())
    api_version = model["metadata"]["apiVersion"]
    model["metadata"]["protocol"] = protocol
    model["metadata"]["protocols"] = [protocol]
    d = os.path.join(tmp, protocol, "cloudwatch", api_version)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "service-2.json"), "w") as f:
        json.dump(model, f)
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, os.path.join(tmp, protocol))
    return boto3.Session(botocore_session=session).client(
        "cloudwatch",
        endpoint_url=endpoint,
        region_name="us-west-2",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def exercise(cw, protocol, now):
    ns = "Boto-" + protocol
    t = lambda s: now + datetime.timedelta(seconds=s)
    dims = [{"Name": "Service", "Value": "api"}]
    cw.put_metric_data(
        Namespace=ns,
        MetricData=[
            {"MetricName": "Requests", "Dimensions": dims, "Timestamp": t(-300), "Value": 10.0, "Unit": "Count"},
            {"MetricName": "Requests", "Dimensions": dims, "Timestamp": t(-240), "Values": [5.0, 7.0], "Counts": [2.0, 1.0]},
            {"MetricName": "Errors", "Dimensions": dims, "Timestamp": t(-300),
             "StatisticValues": {"SampleCount": 2, "Sum": 4, "Minimum": 1, "Maximum": 3}},
            {"MetricName": "Latency", "Timestamp": t(-295), "Value": 0.25, "StorageResolution": 1},
        ],
    )
    st = cw.get_metric_statistics(
        Namespace=ns, MetricName="Requests", Dimensions=dims, StartTime=t(-600), EndTime=t(0), Period=60,
        Statistics=["Sum", "SampleCount"],
    )
    got = [(dp["Timestamp"], dp["Sum"], dp["SampleCount"]) for dp in st["Datapoints"]]
    check(got == [(t(-300), 10.0, 1.0), (t(-240), 17.0, 3.0)], "get_metric_statistics datapoints %r" % (got,))
    check(st["Label"] == "Requests", "label %r" % st.get("Label"))

    md = cw.get_metric_data(
        StartTime=t(-600), EndTime=t(0), ScanBy="TimestampAscending",
        MetricDataQueries=[
            {"Id": "req", "ReturnData": False, "MetricStat": {"Metric": {"Namespace": ns, "MetricName": "Requests", "Dimensions": dims}, "Period": 60, "Stat": "Sum"}},
            {"Id": "err", "ReturnData": False, "MetricStat": {"Metric": {"Namespace": ns, "MetricName": "Errors", "Dimensions": dims}, "Period": 60, "Stat": "Sum"}},
            {"Id": "rate", "Expression": "100 * err / req", "Label": "ErrorRate"},
            {"Id": "hi", "MetricStat": {"Metric": {"Namespace": ns, "MetricName": "Latency"}, "Period": 5, "Stat": "Maximum"}},
        ],
    )
    res = {r["Id"]: (r["Label"], r["Timestamps"], r["Values"], r["StatusCode"]) for r in md["MetricDataResults"]}
    check(res == {"rate": ("ErrorRate", [t(-300)], [40.0], "Complete"), "hi": ("Latency", [t(-295)], [0.25], "Complete")},
          "get_metric_data %r" % (res,))

    lm = cw.list_metrics(Namespace=ns)
    names = sorted(m["MetricName"] for m in lm["Metrics"])
    check(names == ["Errors", "Latency", "Requests"], "list_metrics %r" % (names,))

    cw.put_metric_alarm(
        AlarmName="alarm-" + protocol, Namespace=ns, MetricName="Errors", Dimensions=dims, Statistic="Sum",
        Period=60, EvaluationPeriods=2, Threshold=3.5, ComparisonOperator="GreaterThanThreshold",
        AlarmActions=["arn:aws:autoscaling:us-west-2:123456789012:scalingPolicy:x:resource/sagemaker/inference-component/ic:policyName/p"],
    )
    da = cw.describe_alarms(AlarmNames=["alarm-" + protocol])
    check(len(da["MetricAlarms"]) == 1, "describe_alarms %r" % (da["MetricAlarms"],))
    a = da["MetricAlarms"][0]
    check(a["StateValue"] == "INSUFFICIENT_DATA" and a["Threshold"] == 3.5 and a["Period"] == 60 and a["EvaluationPeriods"] == 2,
          "alarm %r" % (a,))
    check(a["AlarmArn"] == "arn:aws:cloudwatch:us-west-2:123456789012:alarm:alarm-" + protocol, "arn %r" % a["AlarmArn"])
    check(a["Dimensions"] == dims and a["OKActions"] == [], "alarm lists %r" % (a,))
    cw.delete_alarms(AlarmNames=["alarm-" + protocol])
    check(cw.describe_alarms(AlarmNames=["alarm-" + protocol])["MetricAlarms"] == [], "alarm not deleted")

    for call, code in [
        (lambda: cw.put_metric_data(Namespace="AWS/X", MetricData=[{"MetricName": "M", "Value": 1.0}]), "InvalidParameterValue"),
        (lambda: cw.delete_alarms(AlarmNames=["does-not-exist"]), "ResourceNotFound"),
        (lambda: cw.describe_alarms(NextToken="garbage"), "InvalidNextToken"),
    ]:
        try:
            call()
        except ClientError as e:
            check(e.response["Error"]["Code"] == code, "error code %r, want %s" % (e.response["Error"], code))
        else:
            raise AssertionError("no error, want " + code)


def main():
    endpoint, now = sys.argv[1], datetime.datetime.fromtimestamp(int(sys.argv[2]), tz=datetime.timezone.utc)
    meta = load_model()["metadata"]
    with tempfile.TemporaryDirectory() as tmp:
        for protocol in ["smithy-rpc-v2-cbor", "json", "query"]:
            # JSON needs the model's target prefix, which older models lack.
            if protocol not in SUPPORTED or (protocol == "json" and "targetPrefix" not in meta):
                print("SKIP %s (botocore %s)" % (protocol, botocore.__version__))
                continue
            exercise(client_for(endpoint, protocol, tmp), protocol, now)
            print("OK %s" % protocol)


if __name__ == "__main__":
    main()
