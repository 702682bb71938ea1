"""Infrastructure of Agent Desk: the CDK app (`infra.app`, `infra.cloud`) and the local stack
(`infra.local`)."""
