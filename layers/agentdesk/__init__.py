"""Agent Desk shared library: domain rules, contracts, data access and platform glue.

Shipped to Lambda as a layer and installed into the development environment.
"""
