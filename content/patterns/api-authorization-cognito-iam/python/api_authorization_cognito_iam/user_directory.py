"""The user pool people sign in to, its OAuth scopes, hosted domain and the one app client."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from aws_cdk import Acknowledgment, Duration, Fn, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cognito as cognito

# The resource server identifier: scopes read `orders/read` and `orders/write` in tokens and on methods.
RESOURCE_SERVER_ID = "orders"
# Where the hosted sign-in page sends the browser back with the authorization code, unless -c callbackUrl=... says otherwise.
DEFAULT_CALLBACK_URL = "http://localhost:8080/callback"

# Cognito's own rules for a prefix domain, plus its reserved words.
DOMAIN_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
RESERVED = re.compile(r"aws|amazon|cognito")
CALLBACK = re.compile(r"^(https://\S+|http://localhost(:\d+)?(/\S*)?)$")


@dataclass(frozen=True)
class UserDirectory:
    users: cognito.UserPool
    web_client: cognito.UserPoolClient
    domain: cognito.UserPoolDomain
    # `orders/read` and `orders/write`, as plain strings for the API methods to demand.
    read_scope: str
    write_scope: str


def domain_prefix(stack: Stack) -> str:
    """The prefix of the hosted sign-in domain, which must be unique in the Region across every AWS
    account. Taken from -c authDomainPrefix=... when given; otherwise `orders-` plus the last group
    of this stack's own UUID, which no other stack anywhere shares."""
    chosen = stack.node.try_get_context("authDomainPrefix")
    if chosen is None:
        stack_uuid = Fn.select(2, Fn.split("/", stack.stack_id))
        return f"orders-{Fn.select(4, Fn.split('-', stack_uuid))}"
    if not isinstance(chosen, str) or not DOMAIN_PREFIX.match(chosen) or RESERVED.search(chosen):
        raise ValueError(
            "authDomainPrefix must be 1-63 lowercase letters, digits or hyphens, not start or end with a hyphen, "
            f"and not contain aws, amazon or cognito; got {json.dumps(chosen)}"
        )
    return chosen


def callback_url(stack: Stack) -> str:
    """The sign-in callback: https anywhere, plain http only on localhost, as Cognito itself requires."""
    chosen = stack.node.try_get_context("callbackUrl")
    chosen = DEFAULT_CALLBACK_URL if chosen is None else chosen
    if not isinstance(chosen, str) or not CALLBACK.match(chosen):
        raise ValueError(f"callbackUrl must be an https URL or http://localhost; got {json.dumps(chosen)}")
    return chosen


def create_user_directory(stack: Stack) -> UserDirectory:
    users = cognito.UserPool(
        stack,
        "Users",
        # Essentials: managed login, TOTP MFA and access-token scopes, with 10,000 free MAUs a month.
        # Plus would add threat protection at $0.02 for every MAU with no free tier (see the page).
        feature_plan=cognito.FeaturePlan.ESSENTIALS,
        # People are invited by an administrator; nobody can create an account from the sign-in page.
        self_sign_up_enabled=False,
        sign_in_aliases=cognito.SignInAliases(email=True),
        auto_verify=cognito.AutoVerifiedAttrs(email=True),
        account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
        # Every sign-in needs an authenticator app code. SMS is off: it needs an SNS role,
        # leaves the SMS sandbox only on request, bills per message and falls to SIM swaps.
        mfa=cognito.Mfa.REQUIRED,
        mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
        password_policy=cognito.PasswordPolicy(
            min_length=14,
            require_lowercase=True,
            require_uppercase=True,
            require_digits=True,
            require_symbols=True,
            temp_password_validity=Duration.days(3),
        ),
        # A demo pool: `cdk destroy` deletes it together with every user in it. Use RETAIN and
        # deletion_protection for a pool that holds real people.
        removal_policy=RemovalPolicy.DESTROY,
        deletion_protection=False,
    )
    Validations.of(users).acknowledge(
        Acknowledgment(
            id="AwsSolutions-COG8",
            reason=(
                "The Plus plan bills $0.02 for every monthly active user with no free tier, against 10,000 free on Essentials; "
                "MFA is required instead, and the page says how to switch threat protection on."
            ),
        )
    )

    read = cognito.ResourceServerScope(scope_name="read", scope_description="List your own orders")
    write = cognito.ResourceServerScope(scope_name="write", scope_description="Place orders")
    orders_server = cognito.UserPoolResourceServer(
        stack,
        "OrdersResourceServer",
        user_pool=users,
        identifier=RESOURCE_SERVER_ID,
        user_pool_resource_server_name="Orders API",
        scopes=[read, write],
    )

    domain = cognito.UserPoolDomain(
        stack,
        "UsersDomain",
        user_pool=users,
        cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix(stack)),
    )

    redirect = callback_url(stack)
    # A public client for a browser or mobile app: no secret to leak, authorization code grant
    # only (used with PKCE), so tokens never travel in a URL fragment as with the implicit grant.
    web_client = cognito.UserPoolClient(
        stack,
        "WebClient",
        user_pool=users,
        generate_secret=False,
        auth_flows=cognito.AuthFlow(user_srp=True),
        o_auth=cognito.OAuthSettings(
            flows=cognito.OAuthFlows(authorization_code_grant=True),
            # The client's scopes reference the resource server, so CloudFormation creates it first.
            scopes=[
                cognito.OAuthScope.OPENID,
                cognito.OAuthScope.EMAIL,
                cognito.OAuthScope.resource_server(orders_server, read),
                cognito.OAuthScope.resource_server(orders_server, write),
            ],
            callback_urls=[redirect],
            logout_urls=[redirect],
        ),
        supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
        prevent_user_existence_errors=True,
        enable_token_revocation=True,
        access_token_validity=Duration.hours(1),
        id_token_validity=Duration.hours(1),
        refresh_token_validity=Duration.days(30),
    )

    return UserDirectory(
        users=users,
        web_client=web_client,
        domain=domain,
        read_scope=f"{RESOURCE_SERVER_ID}/{read.scope_name}",
        write_scope=f"{RESOURCE_SERVER_ID}/{write.scope_name}",
    )
