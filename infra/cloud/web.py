"""Web hosting: a private bucket behind CloudFront (OAC), strict security headers, and the built
single page app deployed together with the config.json it reads at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aws_cdk import Annotations, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from .nag import regex, suppress


def content_security_policy(connect_src: list[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *connect_src],
        "manifest-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return (
        "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items()) + "; upgrade-insecure-requests"
    )


class WebHosting(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        access_logs: s3.IBucket,
        connect_src: list[str],
        web_dist: Path,
        runtime_config: Mapping[str, Any],
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Site",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="site/",
            # The site is rebuilt from the repository on every deploy; nothing in it is data. The
            # deployment below empties it when the stack is deleted.
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="Agent Desk: strict security headers for the web app",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(connect_src), override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730), include_subdomains=True, preload=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
                xss_protection=cloudfront.ResponseHeadersXSSProtection(protection=True, mode_block=True, override=True),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy",
                        # The agent workspace may use the microphone (voice channel); nothing else.
                        value="camera=(), geolocation=(), payment=(), usb=(), microphone=(self)",
                        override=True,
                    ),
                    cloudfront.ResponseCustomHeader(
                        header="Cross-Origin-Opener-Policy", value="same-origin", override=True
                    ),
                    cloudfront.ResponseCustomHeader(
                        header="Cross-Origin-Resource-Policy", value="same-origin", override=True
                    ),
                ]
            ),
            remove_headers=["Server"],
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Agent Desk web app",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=self.headers,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                compress=True,
            ),
            # Single page app: unknown paths (S3 answers 403 through OAC) serve index.html.
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=status,
                    response_http_status=200,
                    response_page_path="/index.html",
                    ttl=Duration.seconds(0),
                )
                for status in (403, 404)
            ],
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=access_logs,
            log_file_prefix="cloudfront/",
        )
        suppress(
            self.distribution,
            "CFR1",
            "Contact-centre agents work from any country the business operates in; no geo restriction "
            "is known at deploy time (add one in CloudFront if the business has one).",
        )
        suppress(
            self.distribution,
            "CFR2",
            "The distribution only serves static files; the APIs it talks to are authorized by Cognito. "
            "A WAF web ACL costs about 5 USD a month idle and can be attached later without code changes.",
        )
        suppress(
            self.distribution,
            "CFR4",
            "The distribution uses the default *.cloudfront.net certificate, whose viewer TLS policy "
            "CloudFront fixes; choosing TLSv1.2_2021 needs a custom domain with an ACM certificate.",
        )

        sources = [s3deploy.Source.json_data("config.json", dict(runtime_config))]
        if (web_dist / "index.html").is_file():
            sources.insert(0, s3deploy.Source.asset(str(web_dist)))
        else:
            Annotations.of(self).add_warning_v2(
                "agentdesk:web-dist-missing",
                f"{web_dist} has no index.html: only config.json is deployed (build the web app first).",
            )
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deploy",
            sources=sources,
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            retain_on_delete=False,
            memory_limit=512,
        )
        self._suppress_deployment_handler()

    def _suppress_deployment_handler(self) -> None:
        """The BucketDeployment handler is a singleton the CDK library creates at stack level."""
        stack = Stack.of(self)
        handler = next(c for c in stack.node.children if c.node.id.startswith("Custom::CDKBucketDeployment"))
        suppress(
            handler,
            "L1",
            "The BucketDeployment handler is provided by aws-cdk-lib, which picks its runtime; it runs "
            "only during deployments.",
        )
        suppress(
            handler,
            "IAM4",
            "The BucketDeployment handler's role is created by aws-cdk-lib with AWSLambdaBasicExecutionRole "
            "(log writing only); it runs only during deployments.",
            applies_to=["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
        )
        suppress(
            handler,
            "IAM5",
            "aws-cdk-lib grants the BucketDeployment handler read on the CDK asset bucket and write on the "
            "site bucket's objects (and CloudFront invalidation, which has no resource-level form).",
            applies_to=[
                "Action::s3:GetObject*",
                "Action::s3:GetBucket*",
                "Action::s3:List*",
                "Action::s3:DeleteObject*",
                "Action::s3:Abort*",
                "Resource::*",
                regex(r"^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-<AWS::Region>/\*$"),
                f"Resource::<{stack.resolve(self.bucket.bucket_arn)['Fn::GetAtt'][0]}.Arn>/*",
            ],
        )

    @property
    def url(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}"
