"""Cognito user pool: email as the username, passwordless email codes or passwords, app clients.

```yaml
auth:
  kind: auth
  sign_in: [email_otp]          # choice-based sign-in with a code sent by email (Essentials tier)
  email:
    verification_subject: Your BubbleBatch code
    verification_message: "Your BubbleBatch verification code is {####}"
  clients:
    web: {access_token_minutes: 60, id_token_minutes: 60, refresh_token_days: 30}
```

The pool signs users in by email address (case-insensitive), verifies it automatically, recovers
accounts by verified email only, keeps a user's old address until a new one is verified, and has
MFA off unless the spec asks for it. ``sign_in: [email_otp]`` turns on choice-based sign-in
(``USER_AUTH`` with an ``EMAIL_OTP`` first factor, Essentials tier); ``password`` adds SRP password
sign-in under a strong password policy. Cognito requires ``PASSWORD`` in every pool's list of
allowed first factors, so it is always listed; an app client of an ``email_otp``-only pool still
allows only ``ALLOW_USER_AUTH`` and ``ALLOW_REFRESH_TOKEN_AUTH``, and users who sign up without a
password have none to use.

The text of the sign-in code email (``otp_subject``/``otp_message``, CloudFormation's
``EmailAuthenticationSubject``/``EmailAuthenticationMessage``) can only be customised when the pool
sends email through your own verified SES identity (``email.ses_identity_arn``); Cognito rejects it
with its default email sender, so specc reports it as an error instead of deploying a pool that fails.

Functions that administer users say ``uses: {auth: read | write | read_write}`` and get
``USER_POOL_ID`` and the client id(s), with ``cognito-idp:Admin*`` actions on this pool only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from awacs import cognito_idp as idp
from awacs.aws import Allow, Statement
from pydantic import Field, field_validator
from troposphere import GetAtt, Ref
from troposphere import cognito as cognito

from ..base import NAME_PATTERN, SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..model import Component

SignIn = Literal["email_otp", "password"]
ClientName = Annotated[str, Field(pattern=NAME_PATTERN, max_length=48)]

#: A Cognito message template must contain the code placeholder.
CODE_PLACEHOLDER = "{####}"
SES_IDENTITY_ARN = re.compile(r"^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity/[^\s]+$")

READ_ACTIONS = [idp.AdminGetUser, idp.AdminListGroupsForUser, idp.ListUsers, idp.ListUsersInGroup]
WRITE_ACTIONS = [
    idp.AdminAddUserToGroup,
    idp.AdminConfirmSignUp,
    idp.AdminCreateUser,
    idp.AdminDeleteUser,
    idp.AdminDeleteUserAttributes,
    idp.AdminDisableUser,
    idp.AdminEnableUser,
    idp.AdminRemoveUserFromGroup,
    idp.AdminUpdateUserAttributes,
    idp.AdminUserGlobalSignOut,
]
#: Only pools that have passwords let functions set or reset them.
PASSWORD_WRITE_ACTIONS = [idp.AdminResetUserPassword, idp.AdminSetUserPassword]


class PasswordRules(SpecModel):
    """Password policy, used when ``sign_in`` includes ``password``."""

    min_length: int = Field(12, ge=8, le=99, description="Minimum password length.", examples=[12])
    require_lowercase: bool = Field(True, description="Require a lower-case letter.")
    require_uppercase: bool = Field(True, description="Require an upper-case letter.")
    require_numbers: bool = Field(True, description="Require a digit.")
    require_symbols: bool = Field(True, description="Require a symbol.")
    temporary_password_days: int = Field(
        3, ge=1, le=365, description="Days an administrator-issued temporary password stays valid."
    )


class AuthEmail(SpecModel):
    """The emails the pool sends, and who sends them."""

    verification_subject: str | None = Field(
        None, max_length=140, description="Subject of the email-verification message.", examples=["Your code"]
    )
    verification_message: str | None = Field(
        None,
        min_length=6,
        max_length=20000,
        description="Body of the email-verification message; must contain {####} where the code goes.",
        examples=["Your verification code is {####}"],
    )
    otp_subject: str | None = Field(
        None,
        max_length=140,
        description="Subject of the sign-in code email (email_otp). Cognito allows it only with ses_identity_arn.",
        examples=["Your sign-in code"],
    )
    otp_message: str | None = Field(
        None,
        min_length=6,
        max_length=20000,
        description="Body of the sign-in code email; must contain {####}. Cognito allows it only with "
        "ses_identity_arn (its default sender always uses its own text).",
        examples=["Your sign-in code is {####}"],
    )
    ses_identity_arn: str | None = Field(
        None,
        description="Send email through this verified SES identity instead of Cognito's default sender "
        "(which is limited to a few dozen emails a day).",
        examples=["arn:aws:ses:us-east-1:123456789012:identity/bubblebatch.com"],
    )
    from_address: str | None = Field(
        None,
        description="Sender shown to users (needs ses_identity_arn).",
        examples=["BubbleBatch <no-reply@bubblebatch.com>"],
    )
    reply_to: str | None = Field(
        None, description="Reply-To address (needs ses_identity_arn).", examples=["support@bubblebatch.com"]
    )


class AuthClient(SpecModel):
    """An app client: how one application (web, mobile, a server) signs users in."""

    access_token_minutes: int = Field(60, ge=5, le=1440, description="Lifetime of access tokens, in minutes.")
    id_token_minutes: int = Field(60, ge=5, le=1440, description="Lifetime of ID tokens, in minutes.")
    refresh_token_days: int = Field(30, ge=1, le=3650, description="Lifetime of refresh tokens, in days.")
    generate_secret: bool = Field(
        False,
        description="Give the client a secret. Only for confidential (server-side) clients; browsers and "
        "mobile apps cannot keep one.",
    )


class Auth(Component):
    """A Cognito user pool with email sign-in and one or more app clients."""

    kind: Literal["auth"] = "auth"
    sign_in: list[SignIn] = Field(
        min_length=1,
        description="How users sign in: `email_otp` (a one-time code sent by email, choice-based sign-in) "
        "and/or `password` (SRP, strong password policy).",
        examples=[["email_otp"], ["password"]],
    )
    self_sign_up: bool = Field(True, description="Let users create their own accounts (else only administrators).")
    tier: Literal["lite", "essentials", "plus"] | None = Field(
        None,
        description="Cognito feature plan. Default: `essentials` with email_otp (it needs it), else `lite`.",
    )
    mfa: Literal["off", "optional", "required"] = Field(
        "off", description="Multi-factor authentication with an authenticator app (TOTP)."
    )

    @field_validator("mfa", mode="before")
    @classmethod
    def _bare_off(cls, value: Any) -> Any:
        # YAML 1.1 reads a bare `mfa: off` as false; it means "off".
        return "off" if value is False else value

    password_policy: PasswordRules = Field(
        default_factory=PasswordRules, description="Password rules, when sign_in includes password."
    )
    email: AuthEmail = Field(default_factory=AuthEmail, description="Email texts and sender.")
    clients: dict[ClientName, AuthClient] = Field(
        default_factory=lambda: {"web": AuthClient()},
        min_length=1,
        description="App clients by name; each gets its own client id. Default: one `web` client.",
        examples=[{"web": {}, "api": {"generate_secret": True}}],
    )

    stateful = True
    access_levels = ("read", "write", "read_write")
    summary = "Cognito user pool with email sign-in and app clients"
    diagram_group = "auth"
    web_acl_scope = "REGIONAL"  # a waf component may attach_to the user pool

    def web_acl_target(self, ctx: BuildContext) -> Any:
        return GetAtt(self.logical_id, "Arn")

    # -- names --------------------------------------------------------------------------------
    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "UserPool"

    def client_id(self, client: str) -> str:
        return pascal(self.id_name) + pascal(client) + "Client"

    @property
    def effective_tier(self) -> str:
        if self.tier:
            return self.tier
        return "essentials" if "email_otp" in self.sign_in else "lite"

    @property
    def default_client(self) -> str:
        return "web" if "web" in self.clients else next(iter(self.clients))

    def issuer(self) -> Any:
        from troposphere import Sub

        return Sub(f"https://cognito-idp.${{AWS::Region}}.amazonaws.com/${{{self.logical_id}}}")

    # -- rules --------------------------------------------------------------------------------
    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        if len(set(self.sign_in)) != len(self.sign_in):
            yield ("sign_in",), "lists a sign-in method twice"
        if "email_otp" in self.sign_in:
            if self.effective_tier == "lite":
                yield ("tier",), "email_otp sign-in needs the essentials or plus tier, not lite"
            if self.mfa == "required":
                yield (
                    ("mfa",),
                    "mfa: required cannot be combined with email_otp; Cognito offers no passwordless sign-in to "
                    "users with MFA (use optional or off)",
                )
        email = self.email
        for field in ("verification_message", "otp_message"):
            text = getattr(email, field)
            if text is not None and CODE_PLACEHOLDER not in text:
                yield ("email", field), f"must contain {CODE_PLACEHOLDER} where Cognito puts the code"
        for field in ("verification_subject", "otp_subject"):
            text = getattr(email, field)
            if text is not None and ("\n" in text or not text.strip()):
                yield ("email", field), "must be one non-empty line"
        if email.ses_identity_arn is None:
            for field in ("otp_subject", "otp_message"):
                if getattr(email, field) is not None:
                    yield (
                        ("email", field),
                        "Cognito customises the sign-in code email only when it sends through your own SES "
                        "identity; set email.ses_identity_arn, or remove this to keep Cognito's default text",
                    )
            for field in ("from_address", "reply_to"):
                if getattr(email, field) is not None:
                    yield ("email", field), "a custom sender needs email.ses_identity_arn (a verified SES identity)"
        elif not SES_IDENTITY_ARN.match(email.ses_identity_arn):
            yield (
                ("email", "ses_identity_arn"),
                "must be an SES identity ARN like arn:aws:ses:us-east-1:123456789012:identity/example.com",
            )
        if (email.otp_subject or email.otp_message) and "email_otp" not in self.sign_in:
            field = "otp_subject" if email.otp_subject else "otp_message"
            yield ("email", field), "the pool sends no sign-in codes; add email_otp to sign_in or remove this"

    # -- build --------------------------------------------------------------------------------
    def build(self, ctx: BuildContext) -> None:
        policies = cognito.Policies(PasswordPolicy=self._password_policy())
        if "email_otp" in self.sign_in:
            factors = ["PASSWORD"]  # Cognito requires PASSWORD in every pool's list of first factors
            factors.append("EMAIL_OTP")
            policies.SignInPolicy = cognito.SignInPolicy(AllowedFirstAuthFactors=factors)
        pool = cognito.UserPool(
            self.logical_id,
            UserPoolName=ctx.physical_name(self.id_name),
            UserPoolTier=self.effective_tier.upper(),
            UsernameAttributes=["email"],
            UsernameConfiguration=cognito.UsernameConfiguration(CaseSensitive=False),
            AutoVerifiedAttributes=["email"],
            UserAttributeUpdateSettings=cognito.UserAttributeUpdateSettings(
                AttributesRequireVerificationBeforeUpdate=["email"]
            ),
            Schema=[cognito.SchemaAttribute(Name="email", AttributeDataType="String", Required=True, Mutable=True)],
            AccountRecoverySetting=cognito.AccountRecoverySetting(
                RecoveryMechanisms=[cognito.RecoveryOption(Name="verified_email", Priority=1)]
            ),
            AdminCreateUserConfig=cognito.AdminCreateUserConfig(AllowAdminCreateUserOnly=not self.self_sign_up),
            Policies=policies,
            MfaConfiguration={"off": "OFF", "optional": "OPTIONAL", "required": "ON"}[self.mfa],
            DeletionProtection="ACTIVE" if ctx.protected else "INACTIVE",
        )
        if self.mfa != "off":
            pool.EnabledMfas = ["SOFTWARE_TOKEN_MFA"]
        self._email_settings(pool)
        ctx.add(self, pool)
        prefix = pascal(self.id_name)
        ctx.output(self, prefix + "UserPoolId", Ref(pool), f"Id of the {self.name} user pool")
        for client_name, client in self.clients.items():
            resource = cognito.UserPoolClient(
                self.client_id(client_name),
                UserPoolId=Ref(pool),
                ClientName=ctx.physical_name(self.id_name, client_name),
                ExplicitAuthFlows=self.auth_flows(),
                GenerateSecret=client.generate_secret,
                PreventUserExistenceErrors="ENABLED",
                EnableTokenRevocation=True,
                AccessTokenValidity=client.access_token_minutes,
                IdTokenValidity=client.id_token_minutes,
                RefreshTokenValidity=client.refresh_token_days,
                TokenValidityUnits=cognito.TokenValidityUnits(
                    AccessToken="minutes", IdToken="minutes", RefreshToken="days"
                ),
                SupportedIdentityProviders=["COGNITO"],
            )
            ctx.add(self, resource, ("clients", client_name))
            ctx.output(
                self,
                prefix + pascal(client_name) + "ClientId",
                Ref(resource),
                f"Id of the {client_name} app client of the {self.name} user pool",
            )

    def auth_flows(self) -> list[str]:
        flows = []
        if "email_otp" in self.sign_in:
            flows.append("ALLOW_USER_AUTH")
        if "password" in self.sign_in:
            flows.append("ALLOW_USER_SRP_AUTH")
        flows.append("ALLOW_REFRESH_TOKEN_AUTH")
        return flows

    def _password_policy(self) -> cognito.PasswordPolicy:
        rules = self.password_policy
        return cognito.PasswordPolicy(
            MinimumLength=rules.min_length,
            RequireLowercase=rules.require_lowercase,
            RequireUppercase=rules.require_uppercase,
            RequireNumbers=rules.require_numbers,
            RequireSymbols=rules.require_symbols,
            TemporaryPasswordValidityDays=rules.temporary_password_days,
        )

    def _email_settings(self, pool: cognito.UserPool) -> None:
        email = self.email
        if email.ses_identity_arn:
            config = cognito.EmailConfiguration(EmailSendingAccount="DEVELOPER", SourceArn=email.ses_identity_arn)
            if email.from_address:
                config.From = email.from_address
            if email.reply_to:
                config.ReplyToEmailAddress = email.reply_to
            pool.EmailConfiguration = config
        else:
            pool.EmailConfiguration = cognito.EmailConfiguration(EmailSendingAccount="COGNITO_DEFAULT")
        if email.verification_subject or email.verification_message:
            template = cognito.VerificationMessageTemplate(DefaultEmailOption="CONFIRM_WITH_CODE")
            if email.verification_subject:
                template.EmailSubject = email.verification_subject
            if email.verification_message:
                template.EmailMessage = email.verification_message
            pool.VerificationMessageTemplate = template
        if email.otp_subject:
            pool.EmailAuthenticationSubject = email.otp_subject
        if email.otp_message:
            pool.EmailAuthenticationMessage = email.otp_message

    # -- what functions get -------------------------------------------------------------------
    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        write = WRITE_ACTIONS + (PASSWORD_WRITE_ACTIONS if "password" in self.sign_in else [])
        actions = {"read": READ_ACTIONS, "write": write, "read_write": READ_ACTIONS + write}[access]
        return [
            Statement(
                Effect=Allow,
                Action=sorted(actions, key=lambda a: a.JSONrepr()),
                Resource=[GetAtt(self.logical_id, "Arn")],
            )
        ]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        env: dict[str, Any] = {"USER_POOL_ID": Ref(self.logical_id)}
        if len(self.clients) == 1:
            env["USER_POOL_CLIENT_ID"] = Ref(self.client_id(next(iter(self.clients))))
        else:
            for client_name in self.clients:
                env[f"USER_POOL_CLIENT_ID_{client_name.upper().replace('-', '_')}"] = Ref(self.client_id(client_name))
        return env

    # -- cost ---------------------------------------------------------------------------------
    def cost(self, ctx: CostContext) -> list[LineItem]:
        tier = self.effective_tier
        items = [
            ctx.item(
                self,
                self.logical_id,
                f"monthly active users ({tier} tier)",
                f"cognito.mau_{tier}",
                ctx.usage(self, "monthly_active_users"),
            )
        ]
        if self.email.ses_identity_arn:
            items.append(
                ctx.item(
                    self,
                    self.logical_id,
                    "emails sent through SES",
                    "ses.emails",
                    ctx.usage(self, "emails_per_month") / 1000,
                )
            )
        return items
