"""Sign-in for everyone: the Cognito user pool, the web app's public client and the role groups; and the key
customers' chat tokens are signed with (customers never sign in)."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from .nag import suppress

# Role groups, highest privilege first (a lower precedence wins when a user is in several groups).
GROUPS = ("admins", "supervisors", "agents")
# The HS256 key of the customer tokens: 64 random letters and digits (kernel/customer_tokens.py wants >= 32 bytes).
CUSTOMER_TOKEN_KEY_LENGTH = 64


class Auth(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            # Admins create accounts through the config API; nobody signs themselves up.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            sign_in_case_sensitive=False,
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
            ),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            deletion_protection=removal_policy == RemovalPolicy.RETAIN,
            removal_policy=removal_policy,
        )
        self.client = self.user_pool.add_client(
            "WebClient",
            generate_secret=False,  # a browser app cannot keep a secret
            auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(1),
        )
        for precedence, name in enumerate(GROUPS):
            self.user_pool.add_group(name.capitalize(), group_name=name, precedence=precedence)

        self.customer_token_secret = secretsmanager.Secret(
            self,
            "CustomerTokenKey",
            description="Agent Desk: the HS256 key customers' chat tokens are signed with",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=CUSTOMER_TOKEN_KEY_LENGTH, exclude_punctuation=True, include_space=False
            ),
            # Nothing to keep: without it, open chats only have to start again.
            removal_policy=RemovalPolicy.DESTROY,
        )
        suppress(
            self.customer_token_secret,
            "SMG4",
            "No automatic rotation: the key signs chat tokens that live at most a day and carry no key id, and "
            "each function reads it once per warm instance, so a rotation would cut every open chat at an "
            "unplanned moment. docs/deploy.md says how to rotate it by hand (new value, then fresh instances).",
        )

        suppress(
            self.user_pool,
            "COG2",
            "MFA is optional (TOTP): agents share contact-centre desks and sign in many times a shift; "
            "an operator can make it required per user in Cognito without changing the stack.",
        )
        suppress(
            self.user_pool,
            "COG8",
            "Threat protection (the former advanced security) needs the Cognito Plus plan, billed per "
            "active user with no free tier; the stack stays on Essentials, docs/deploy.md tells how to upgrade.",
        )

    @property
    def endpoint(self) -> str:
        """The Cognito IdP endpoint the browser signs in against."""
        stack = Stack.of(self)
        return f"https://cognito-idp.{stack.region}.{stack.url_suffix}/"

    @property
    def issuer(self) -> str:
        stack = Stack.of(self)
        return f"https://cognito-idp.{stack.region}.{stack.url_suffix}/{self.user_pool.user_pool_id}"
