"""What the API Gateway kinds (``rest_api``, ``websocket_api``, ``http_api``) share: ARNs of an API,
Lambda integrations and their invoke permissions, and the region's API Gateway logging role.

Private to those kinds; not a kind.
"""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt, Sub, awslambda

from ..context import BuildContext, pascal


def execute_api_arn(api_logical_id: str, rest: str) -> Sub:
    """``arn:…:execute-api:<region>:<account>:<api id>/<rest>`` (``rest``: stage, method, path, ...)."""
    return Sub(f"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api_logical_id}}}/{rest}")


def lambda_invoke_uri(function_logical_id: str) -> Sub:
    """The integration URI through which API Gateway invokes a function."""
    return Sub(
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
        f"${{{function_logical_id}.Arn}}/invocations"
    )


def invoke_permission(logical_id: str, function_logical_id: str, source_arn: Any) -> awslambda.Permission:
    """API Gateway may invoke the function, for requests matching ``source_arn`` only."""
    return awslambda.Permission(
        logical_id,
        Action="lambda:InvokeFunction",
        FunctionName=GetAtt(function_logical_id, "Arn"),
        Principal="apigateway.amazonaws.com",
        SourceArn=source_arn,
    )


def account_logging_role(ctx: BuildContext, owner: Any) -> str:
    """The region's API Gateway account setting (``<Name>ApiGatewayAccount``), pointing at a role
    (``<Name>ApiGatewayLogsRole``) that may write this region's log groups only; returns the setting's
    logical ID, which a stage that logs depends on."""
    from awacs import logs
    from awacs.aws import Allow, Statement
    from troposphere import apigateway

    from ._service_roles import service_role

    p = pascal(owner.id_name)
    path = ("account_logging_role",)
    write_logs = Statement(
        Effect=Allow,
        Action=[
            logs.CreateLogGroup,
            logs.CreateLogStream,
            logs.DescribeLogGroups,
            logs.DescribeLogStreams,
            logs.FilterLogEvents,
            logs.GetLogEvents,
            logs.PutLogEvents,
        ],
        Resource=[Sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*")],
    )
    # No aws:SourceAccount condition: API Gateway documents no confused-deputy keys for its account-level
    # CloudWatch role, and it checks the role when the account setting is written, so a condition it does
    # not meet fails the deployment. The role can only log to this account's log groups in this region.
    role = service_role(
        p + "ApiGatewayLogsRole", "apigateway.amazonaws.com", [write_logs], same_account=False, policy_name="write-logs"
    )
    ctx.add(owner, role, path)
    account = apigateway.Account(p + "ApiGatewayAccount", CloudWatchRoleArn=GetAtt(role, "Arn"))
    ctx.add(owner, account, path)
    return account.title
