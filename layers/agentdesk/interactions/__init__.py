"""The interactions context: work that reaches an agent (a chat, a call, an email, a task), from queued to
closed — routing, offers, the conversation, wrap-up and dispositions (docs/interactions.md)."""
