"""Shared assertions for calls that must fail (or succeed) with the aws CLI and boto3."""

import re

import botocore.exceptions
import pytest

_CLI_ERROR = re.compile(r"An error occurred \(([\w.]+)\) when calling the \w+ operation(?: \([^)]*\))?: ?(.*)", re.S)


def cli_error(aws, *args, **kw):
    """Runs a CLI command that must fail with a service error; returns (code, message)."""
    rc, out, err = aws(*args, **kw)
    assert rc != 0, f"aws {' '.join(map(str, args))} unexpectedly succeeded: {out}"
    m = _CLI_ERROR.search(err)
    assert m, f"no service error in stderr (rc={rc}): {err}"
    return m.group(1), m.group(2).strip()


def ok(aws, *args, **kw):
    """Runs a CLI command that must succeed; returns its stdout."""
    rc, out, err = aws(*args, **kw)
    assert rc == 0, f"aws {' '.join(map(str, args))} -> rc={rc}: {err}"
    return out


def client_error(fn, **kw):
    """Calls a boto3 method that must fail; returns (code, message, http status)."""
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        fn(**kw)
    e = ei.value.response
    return e["Error"]["Code"], e["Error"].get("Message", ""), e["ResponseMetadata"]["HTTPStatusCode"]
