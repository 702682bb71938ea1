"""Data access: pynamodb models and the repository functions (the only DynamoDB code)."""
