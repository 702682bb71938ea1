/** Interaction views and messages as the server sends them (wire shapes), for the interaction tests. */

export const ME = "agent-1";

export function wireInteraction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    interactionId: "int-1",
    channel: "chat",
    direction: "inbound",
    status: "active",
    queueId: "queue-billing",
    queueName: "Billing",
    skillId: "skill-billing",
    agentId: ME,
    contact: { contactId: "con-1", name: "Dana Customer", email: "dana@example.com" },
    subject: null,
    tags: [],
    notes: [],
    disposition: null,
    transfer: null,
    times: { queuedAt: "2026-03-02T09:00:00Z", offeredAt: "2026-03-02T09:00:01Z", answeredAt: "2026-03-02T09:00:03Z" },
    wrapUpDeadline: null,
    rating: null,
    version: 3,
    ...overrides,
  };
}

export function wireMessage(seq: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messageId: `msg_${seq}`,
    interactionId: "int-1",
    seq,
    from: "customer",
    authorId: "con-1",
    authorName: "Dana Customer",
    text: `message ${seq}`,
    sentAt: `2026-03-02T09:01:0${seq % 10}Z`,
    ...overrides,
  };
}

export function wireSummary(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    interactionId: "int-0",
    channel: "chat",
    direction: "inbound",
    status: "closed",
    contactName: "Eli Earlier",
    queueName: "General",
    startedAt: "2026-03-02T08:00:00Z",
    endedAt: "2026-03-02T08:10:00Z",
    disposition: { category: "Success", outcome: "Resolved", source: "agent", complete: true },
    notes: "Asked about a refund",
    tags: ["refund"],
    needsCompletion: false,
    ...overrides,
  };
}
