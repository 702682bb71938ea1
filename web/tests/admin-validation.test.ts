import { describe, expect, it } from "vitest";
import {
  cannedMessageForm,
  dispositionSetForm,
  formFieldFor,
  messageForField,
  pauseCodeForm,
  queueForm,
  settingsForm,
  siteForm,
  teamForm,
  userForm,
} from "../src/admin/forms";
import type { User } from "../src/admin/resources";
import {
  emailProblem,
  integerProblem,
  isTimeZone,
  nameKey,
  descriptionProblem,
  nameProblem,
  optionalIntegerProblem,
  outcomeProblems,
  passwordProblem,
  templateProblems,
  usernameProblem,
} from "../src/admin/validation";

const GOOD_PASSWORD = "Correct-horse-42";

describe("field rules", () => {
  it("names need a non-space character and at most 80 characters once trimmed (pause labels 40)", () => {
    expect(nameProblem("", "a name")).toBe("Enter a name.");
    expect(nameProblem("   ", "a name")).toBe("Enter a name.");
    expect(nameProblem(` ${"x".repeat(80)} `, "a name")).toBeNull();
    expect(nameProblem("x".repeat(81), "a name")).toMatch(/at most 80/);
    expect(nameProblem("x".repeat(41), "a label", 40)).toMatch(/at most 40/);
  });

  it("refuses control and invisible characters as the API does", () => {
    for (const hidden of ["\u0000", "\u001f", "\u202e", "\u200b", "\ufeff", "\n"]) {
      expect(nameProblem(`Sales${hidden}Team`, "a name")).toMatch(/visible text/);
    }
    expect(nameProblem("Zoë 客服 😀", "a name")).toBeNull();
    expect(descriptionProblem("line one\nline two")).toBeNull();
    expect(descriptionProblem("a\u202eb")).toMatch(/invisible/);
  });

  it("compares names as the API does: case and runs of spaces ignored", () => {
    expect(nameKey("  Technical   Support ")).toBe(nameKey("technical support"));
  });

  it("accepts whole numbers inside the range only", () => {
    const capacity = { min: 1, max: 20 };
    expect(integerProblem("1", capacity)).toBeNull();
    expect(integerProblem("20", capacity)).toBeNull();
    for (const bad of ["0", "21", "", "2.5", "-3", "five", "1e1"]) {
      expect(integerProblem(bad, capacity)).toBe("Enter a whole number from 1 to 20.");
    }
    expect(optionalIntegerProblem("", { min: 10, max: 3600 })).toBeNull();
    expect(optionalIntegerProblem("9", { min: 10, max: 3600 })).toMatch(/10 to 3600/);
  });

  it("checks usernames and emails with the API's patterns", () => {
    expect(usernameProblem("ann.lee+1@acme")).toBeNull();
    expect(usernameProblem("a")).not.toBeNull();
    expect(usernameProblem(".ann")).not.toBeNull();
    expect(usernameProblem("ann lee")).not.toBeNull();
    expect(usernameProblem("a".repeat(65))).not.toBeNull();
    expect(emailProblem("ann@example.com")).toBeNull();
    expect(emailProblem("ann@example")).not.toBeNull();
    expect(emailProblem("")).toBe("Enter an email address.");
  });

  it("asks for the user pool's password policy and says what is missing", () => {
    expect(passwordProblem(GOOD_PASSWORD)).toBeNull();
    expect(passwordProblem("Short-1a")).toBe("Use at least 12 characters (now 8).");
    expect(passwordProblem("alllowercase-42")).toBe("Add an upper-case letter.");
    expect(passwordProblem("NoDigitsHere-at-all")).toBe("Add a digit.");
    expect(passwordProblem("weak")).toBe(
      "Use at least 12 characters (now 4). Add an upper-case letter, a digit and a symbol.",
    );
    expect(passwordProblem(`Aa1-${"x".repeat(253)}`)).toBe("Use at most 256 characters.");
    // Cognito's symbols only (the contract's PASSWORD_PATTERN): "é" is no symbol, an inner space is one.
    expect(passwordProblem("Correcthorse42é")).toBe("Add a symbol.");
    expect(passwordProblem("Correct horse 42")).toBeNull();
    expect(passwordProblem(" Correct-horse-42")).toBe("No space at either end, and no tabs or line breaks.");
    expect(passwordProblem("Correct-horse\t42")).toBe("No space at either end, and no tabs or line breaks.");
  });

  it("knows IANA time zones and refuses offsets and unknown names", () => {
    expect(isTimeZone("Europe/London")).toBe(true);
    expect(isTimeZone("America/Argentina/Buenos_Aires")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    for (const bad of ["", "Mars/Base", "GMT+1", "+01:00", " Europe/London"]) expect(isTimeZone(bad)).toBe(false);
  });

  it("allows only the known message variables, with spaces inside the braces, and closed placeholders", () => {
    expect(templateProblems("Hi {{contact.firstName}}, I'm {{ agent.firstName }} from {{queue.name}}.")).toEqual([]);
    expect(templateProblems("Hi {{contact.nickname}}")).toEqual(["Unknown variable {{contact.nickname}}."]);
    expect(templateProblems("Hi {{contact.firstName")).toEqual([
      "A placeholder is not closed: write variables as {{contact.firstName}}.",
    ]);
  });

  it("needs an outcome per category, unique across the set, and keeps the system outcome reserved", () => {
    const categories = ["Success", "Unsure", "Fail"];
    expect(outcomeProblems({ Success: ["Sale"], Unsure: ["Callback"], Fail: ["No"] }, categories)).toEqual({});
    const problems = outcomeProblems(
      { Success: ["Sale"], Unsure: ["no agent  submission", "sale"], Fail: [] },
      categories,
    );
    expect(problems["outcomes.Fail"]).toBe("Fail needs at least one outcome.");
    expect(problems["outcomes.Unsure"]).toContain('"No agent submission" is reserved for the system.');
    expect(problems["outcomes.Unsure"]).toContain('"sale" appears more than once (also in Success).');
    expect(problems["outcomes.Success"]).toBeUndefined();
  });
});

describe("user form", () => {
  const draft = () => ({
    ...userForm.empty(),
    username: "ann",
    name: "Ann Lee",
    email: "ann@example.com",
  });

  it("starts with capacity 5, auto-answer left to the agent, role agent", () => {
    const empty = userForm.empty();
    expect(empty.maxConcurrent).toBe("5");
    expect(empty.autoAnswer).toBe("agent");
    expect(empty.role).toBe("agent");
    expect(userForm.validate(draft(), "create")).toEqual({});
  });

  it("marks the skill rows by the API's field paths: proficiency 1–5, each skill once, a skill chosen", () => {
    const errors = userForm.validate(
      {
        ...draft(),
        maxConcurrent: "21",
        skills: [
          { skillId: "skill-billing", proficiency: "6" },
          { skillId: "skill-billing", proficiency: "3" },
          { skillId: "", proficiency: "0" },
        ],
      },
      "create",
    );
    expect(errors).toEqual({
      maxConcurrent: "Enter a whole number from 1 to 20.",
      "skills.0.proficiency": "Enter a whole number from 1 to 5.",
      "skills.1.skillId": "This skill is already listed.",
      "skills.2.skillId": "Choose a skill.",
      "skills.2.proficiency": "Enter a whole number from 1 to 5.",
    });
  });

  it("checks the first password only when creating, and a permanent password needs one", () => {
    expect(userForm.validate({ ...draft(), password: "weak" }, "create")["password"]).toMatch(/at least 12/);
    expect(userForm.validate({ ...draft(), permanentPassword: true }, "create")["password"]).toMatch(
      /Enter the password/,
    );
    expect(userForm.validate({ ...draft(), username: "", password: "weak" }, "edit")).toEqual({});
  });

  it("sends numbers, nulls for 'none', and the username and password only on create", () => {
    const filled = {
      ...draft(),
      name: "  Ann Lee ",
      teamId: "team-care",
      skills: [{ skillId: "skill-billing", proficiency: "4" }],
      maxConcurrent: "3",
      password: GOOD_PASSWORD,
      permanentPassword: true,
    };
    expect(userForm.toBody(filled, "create")).toEqual({
      username: "ann",
      name: "Ann Lee",
      email: "ann@example.com",
      role: "agent",
      teamId: "team-care",
      siteId: null,
      skills: [{ skillId: "skill-billing", proficiency: 4 }],
      maxConcurrent: 3,
      autoAnswer: "agent",
      outboundQueueId: null,
      queueIds: [],
      enabled: true,
      password: GOOD_PASSWORD,
      permanentPassword: true,
      sendInvitation: true,
    });
    const edit = userForm.toBody(filled, "edit");
    expect(edit).not.toHaveProperty("username");
    expect(edit).not.toHaveProperty("password");
    expect(edit).not.toHaveProperty("sendInvitation");
  });

  it("round-trips a stored user", () => {
    const user: User = {
      id: "u1",
      version: 2,
      createdAt: "",
      updatedAt: "",
      username: "ann",
      name: "Ann",
      email: "ann@example.com",
      role: "supervisor",
      teamId: null,
      siteId: "site-london",
      skills: [{ skillId: "skill-sales", proficiency: 5 }],
      maxConcurrent: 7,
      autoAnswer: "on",
      outboundQueueId: "queue-sales",
      queueIds: ["queue-general", "queue-sales"],
      enabled: false,
    };
    const body = userForm.toBody(userForm.fromItem(user), "edit");
    expect(body).toMatchObject({
      queueIds: ["queue-general", "queue-sales"],
      enabled: false,
      role: "supervisor",
      siteId: "site-london",
      skills: [{ skillId: "skill-sales", proficiency: 5 }],
      maxConcurrent: 7,
      autoAnswer: "on",
      outboundQueueId: "queue-sales",
    });
  });
});

describe("queue assignment and dispositions", () => {
  it("user: sends the assigned queues once each, and refuses more than 50", () => {
    const assigned = { ...userForm.empty(), name: "Ann", email: "ann@example.com", queueIds: ["q1", "q2", "q1"] };
    expect(userForm.toBody(assigned, "edit")).toMatchObject({ queueIds: ["q1", "q2"] });
    const many = { ...assigned, queueIds: Array.from({ length: 51 }, (_, i) => `q${i}`) };
    expect(userForm.validate(many, "edit")["queueIds"]).toMatch(/at most 50/);
  });

  it("queue: dispositions on by default; switched off, no disposition set is sent", () => {
    const draft = { ...queueForm.empty(), name: "Internal", dispositionSetId: "dispositions-service" };
    expect(queueForm.toBody(draft, "create")).toMatchObject({
      dispositionsEnabled: true,
      dispositionSetId: "dispositions-service",
    });
    expect(queueForm.toBody({ ...draft, dispositionsEnabled: false }, "create")).toMatchObject({
      dispositionsEnabled: false,
      dispositionSetId: null,
    });
  });
});

describe("other forms", () => {
  it("queue: closed to web chat by default; open, its topic label is sent trimmed (empty: the name)", () => {
    const draft = { ...queueForm.empty(), name: "Billing" };
    expect(queueForm.toBody(draft, "create")).toMatchObject({ webChat: false, topicLabel: null });
    const open = { ...draft, webChat: true, topicLabel: "  Billing and payments " };
    expect(queueForm.validate(open, "create")).toEqual({});
    expect(queueForm.toBody(open, "create")).toMatchObject({ webChat: true, topicLabel: "Billing and payments" });
    expect(queueForm.validate({ ...open, topicLabel: "x".repeat(81) }, "create")).toHaveProperty("topicLabel");
    const stored = queueForm.fromItem({
      ...queueForm.toBody(open, "create"),
      id: "queue-billing",
    } as unknown as Parameters<typeof queueForm.fromItem>[0]);
    expect(stored).toMatchObject({ webChat: true, topicLabel: "Billing and payments" });
  });

  it("queue: SLA 1–3600, optional timeouts in their ranges, empty means the settings' default (null)", () => {
    const draft = { ...queueForm.empty(), name: "Billing" };
    expect(queueForm.validate(draft, "create")).toEqual({});
    expect(queueForm.toBody(draft, "create")).toMatchObject({
      slaTargetSeconds: 20,
      wrapUpTimeoutSeconds: null,
      offerTimeoutSeconds: null,
      requiredSkillId: null,
      dispositionSetId: null,
    });
    expect(
      queueForm.validate(
        { ...draft, slaTargetSeconds: "0", wrapUpTimeoutSeconds: "5", offerTimeoutSeconds: "601" },
        "create",
      ),
    ).toEqual({
      slaTargetSeconds: "Enter a whole number from 1 to 3600.",
      wrapUpTimeoutSeconds: "Enter a whole number from 10 to 3600.",
      offerTimeoutSeconds: "Enter a whole number from 5 to 600.",
    });
  });

  it("pause code: label up to 40 characters, sent trimmed", () => {
    expect(pauseCodeForm.validate({ ...pauseCodeForm.empty(), label: "x".repeat(41) }, "create")).toHaveProperty(
      "label",
    );
    expect(
      pauseCodeForm.toBody({ label: " Coaching ", status: "Away", productive: true, enabled: true }, "create"),
    ).toEqual({ label: "Coaching", status: "Away", productive: true, enabled: true });
  });

  it("site: a time zone is required and must be an IANA name", () => {
    expect(siteForm.validate({ name: "Mars", timeZone: "" }, "create")).toEqual({ timeZone: "Choose a time zone." });
    expect(siteForm.validate({ name: "Mars", timeZone: "Mars/Base" }, "create")).toHaveProperty("timeZone");
    expect(siteForm.validate({ name: "Berlin", timeZone: "Europe/Berlin" }, "create")).toEqual({});
  });

  it("team: at most 20 supervisors", () => {
    const many = Array.from({ length: 21 }, (_, index) => `u${index}`);
    expect(teamForm.validate({ name: "Care", description: "", supervisorIds: many }, "create")).toHaveProperty(
      "supervisorIds",
    );
  });

  it("disposition set: one outcome per line, blank lines ignored", () => {
    const draft = { name: "Sales", outcomes: { Success: "Sale\n\n Upgrade \n", Unsure: "Callback", Fail: "No" } };
    expect(dispositionSetForm.validate(draft, "create")).toEqual({});
    expect(dispositionSetForm.toBody(draft, "create")).toEqual({
      name: "Sales",
      outcomes: { Success: ["Sale", "Upgrade"], Unsure: ["Callback"], Fail: ["No"] },
    });
  });

  it("canned message: body 1–2000 characters with known variables; no queue means everywhere", () => {
    const draft = { title: "Greeting", body: "Hi {{contact.firstName}}", queueId: "" };
    expect(cannedMessageForm.validate(draft, "create")).toEqual({});
    expect(cannedMessageForm.toBody(draft, "create")).toEqual({ ...draft, queueId: null });
    expect(cannedMessageForm.validate({ ...draft, body: "x".repeat(2001) }, "create")["body"]).toMatch(/2000/);
    expect(cannedMessageForm.validate({ ...draft, body: "{{contact.age}}" }, "create")["body"]).toMatch(/Unknown/);
  });

  it("settings: ranges of the timeouts and grace, a valid default time zone", () => {
    expect(settingsForm.validate(settingsForm.empty(), "edit")).toEqual({});
    expect(
      settingsForm.validate(
        {
          ...settingsForm.empty(),
          presenceGraceSeconds: "3601",
          defaultWrapUpTimeoutSeconds: "9",
          defaultTimeZone: "GMT+1",
        },
        "edit",
      ),
    ).toEqual({
      presenceGraceSeconds: "Enter a whole number from 0 to 3600.",
      defaultWrapUpTimeoutSeconds: "Enter a whole number from 10 to 3600.",
      defaultTimeZone: '"GMT+1" is not an IANA time zone such as Europe/Berlin.',
    });
  });
});

describe("placing API errors", () => {
  it("puts an error on the field the API named, or the nearest enclosing field the form shows", () => {
    const fields = ["name", "skills", "skills.0.skillId", "outcomes.Success"];
    expect(formFieldFor("skills.0.skillId", fields)).toBe("skills.0.skillId");
    expect(formFieldFor("skills.3.skillId", fields)).toBe("skills");
    expect(formFieldFor("outcomes.Success.2", fields)).toBe("outcomes.Success");
    expect(formFieldFor("If-Match", fields)).toBeNull();
    expect(formFieldFor(null, fields)).toBeNull();
  });

  it("drops the field name the API's message starts with", () => {
    expect(messageForField('timeZone: "Mars/Base" is not an IANA time zone.', "timeZone")).toBe(
      '"Mars/Base" is not an IANA time zone.',
    );
    expect(messageForField("Another pause code already has this label.", "label")).toBe(
      "Another pause code already has this label.",
    );
  });
});
